package monitor

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"time"
)

// writeWindow is how long one write of a stream may take: the stream moves
// the connection's write deadline (the server's WriteTimeout would end it
// after a minute) before each write.
const writeWindow = 30 * time.Second

// reconnectMillis tells browsers how soon to reconnect a dropped stream.
const reconnectMillis = 5000

// Stream answers text/event-stream: an episode's snapshot at once, then
// each change ("snapshot" events of JSON), with a comment every heartbeat.
// It returns after an ended episode's final snapshot, or when the client
// goes, the broker closes (shutdown) or the stream's lifetime ends. The
// caller has checked access and taken a slot.
func (s *Service) Stream(w http.ResponseWriter, r *http.Request, episodeID int64) {
	b := s.broker
	// Subscribe before the first read: a change after it reaches the feed.
	sub := b.Subscribe(episodeID)
	defer b.Unsubscribe(sub)
	first, err := s.payload(r.Context(), episodeID)
	if err != nil {
		if !errors.Is(err, ErrNotFound) && r.Context().Err() == nil {
			s.Log.Error("live figures not read", "episode", episodeID, "err", err)
		}
		status := http.StatusInternalServerError
		if errors.Is(err, ErrNotFound) {
			status = http.StatusNotFound
		}
		http.Error(w, http.StatusText(status), status)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/event-stream; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no") // proxies must pass events on at once
	rc := http.NewResponseController(w)
	send := func(chunks ...[]byte) bool {
		// Not every writer supports deadlines (test recorders); the real
		// server's does.
		if err := rc.SetWriteDeadline(time.Now().Add(writeWindow)); err != nil && !errors.Is(err, http.ErrNotSupported) {
			return false
		}
		for _, c := range chunks {
			if _, err := w.Write(c); err != nil {
				return false
			}
		}
		return rc.Flush() == nil
	}
	event := func(p []byte) [][]byte {
		return [][]byte{[]byte("event: snapshot\ndata: "), p, []byte("\n\n")}
	}
	w.WriteHeader(http.StatusOK)
	if !send(append([][]byte{[]byte("retry: " + strconv.Itoa(reconnectMillis) + "\n\n")}, event(first)...)...) || ended(first) {
		return
	}
	last := first
	heartbeat := time.NewTicker(s.Heartbeat)
	defer heartbeat.Stop()
	lifetime := time.NewTimer(s.StreamLifetime)
	defer lifetime.Stop()
	for {
		select {
		case <-r.Context().Done():
			return
		case <-b.Done():
			return
		case <-lifetime.C:
			return
		case p := <-sub.C:
			if bytes.Equal(p, last) {
				continue
			}
			last = p
			if !send(event(p)...) || ended(p) {
				return
			}
		case <-heartbeat.C:
			if !send([]byte(": keep-alive\n\n")) {
				return
			}
		}
	}
}

// ended tells whether a snapshot is an ended episode's: the last one.
func ended(payload []byte) bool {
	var s struct {
		Ended bool `json:"ended"`
	}
	return json.Unmarshal(payload, &s) == nil && s.Ended
}
