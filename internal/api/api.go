// Package api publishes the OpenAPI document of the platform's JSON API.
// The handlers live with their features (districts serves /api/v1/districts);
// the document is kept here, in one file, so that it grows with each feature
// and a test holds every handler's answers to it.
package api

import (
	_ "embed"
	"net/http"

	"climatevolunteers/internal/web"
)

// OpenAPI is the OpenAPI 3.0 document, as served.
//
//go:embed openapi.json
var OpenAPI []byte

// Register serves the document at GET /api/openapi.json.
func Register(r *web.Router) {
	r.HandleFunc("GET /api/openapi.json", serveDocument)
}

func serveDocument(w http.ResponseWriter, _ *http.Request) {
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	// It changes only with a new release: let clients keep it a while.
	h.Set("Cache-Control", "public, max-age=3600")
	w.Write(OpenAPI)
}
