// Package web is the HTTP kit every feature uses: routing, middleware,
// rendering of pages and errors, forms, flash messages and static files.
package web

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/http"
)

// requestState travels with each request: what the middleware learnt and
// what the access log and metrics report at the end.
type requestState struct {
	ID      string
	Lang    string
	Pattern string  // the ServeMux pattern that matched, set after routing
	Viewer  *Viewer // the signed-in person, nil for visitors
}

// Viewer is the signed-in person as pages need them. The auth feature sets
// it; the kit only shows it (account links in the layout).
type Viewer struct {
	UserID      int64
	Email       string
	DisplayName string
	Role        string
	SessionID   string // hashed session id, to mark "this device"
}

// SetViewer records who is signed in for the rest of the request.
func SetViewer(r *http.Request, v *Viewer) { stateOf(r).Viewer = v }

// ViewerOf returns the signed-in person, or nil.
func ViewerOf(r *http.Request) *Viewer { return stateOf(r).Viewer }

type stateKey struct{}

func withState(r *http.Request, st *requestState) *http.Request {
	return r.WithContext(context.WithValue(r.Context(), stateKey{}, st))
}

func stateOf(r *http.Request) *requestState {
	if st, ok := r.Context().Value(stateKey{}).(*requestState); ok {
		return st
	}
	return &requestState{Lang: "fr"}
}

// RequestID is the identifier shown on error pages and written in the logs.
func RequestID(r *http.Request) string { return stateOf(r).ID }

// Lang is the request's negotiated language.
func Lang(r *http.Request) string { return stateOf(r).Lang }

func newRequestID() string {
	b := make([]byte, 8)
	rand.Read(b)
	return hex.EncodeToString(b)
}
