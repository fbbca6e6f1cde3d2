package monitor

import (
	"net/http"
	"strconv"
	"time"

	"climatevolunteers/internal/web"
)

// liveData fills templates/live.html.
type liveData struct {
	Open      []Episode // episodes in progress, to switch between
	Snap      *Snapshot // nil when no episode is in progress
	StreamURL string    // empty for an ended episode: nothing will change
}

// streamRetry is what a refused stream is told to wait.
const streamRetry = 30 * time.Second

// episodeParam reads ?episode=: the episode asked for, or else the latest
// in progress (0 when there is none). ok is false after an error page.
func (h *handlers) episodeParam(w http.ResponseWriter, r *http.Request, open []Episode) (int64, bool) {
	if s := r.URL.Query().Get("episode"); s != "" {
		id, ok := parseID(s)
		if !ok {
			h.rn.Error(w, r, http.StatusBadRequest, nil)
		}
		return id, ok
	}
	if len(open) > 0 {
		return open[0].ID, true
	}
	return 0, true
}

// live is the coordinators' dashboard: server-rendered figures that the
// deferred script keeps up to date from the stream.
func (h *handlers) live(w http.ResponseWriter, r *http.Request) {
	open, err := h.svc.OpenEpisodes(r.Context())
	if err != nil {
		h.fail(w, r, err)
		return
	}
	id, ok := h.episodeParam(w, r, open)
	if !ok {
		return
	}
	d := liveData{Open: open}
	if id > 0 {
		snap, err := h.svc.Snapshot(r.Context(), id)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		d.Snap = &snap
		if !snap.Ended {
			d.StreamURL = LivePath + "/stream?episode=" + strconv.FormatInt(id, 10)
		}
	}
	private(w)
	h.rn.Render(w, r, http.StatusOK, h.views["live"], web.Page{Title: h.rn.T(r, "monitor.live.title"), Data: d})
}

// stream sends an episode's figures as they change (server-sent events).
// Each account may hold a few streams (several tabs or screens), the
// instance a bounded number; past that the answer is 429. An ended
// episode's is 204: nothing will change, and EventSource stops on it.
func (h *handlers) stream(w http.ResponseWriter, r *http.Request) {
	open, err := h.svc.OpenEpisodes(r.Context())
	if err != nil {
		h.fail(w, r, err)
		return
	}
	id, ok := h.episodeParam(w, r, open)
	if !ok {
		return
	}
	if id == 0 {
		h.rn.Error(w, r, http.StatusNotFound, nil)
		return
	}
	ep, err := h.svc.store.Episode(r.Context(), id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if ep.EndedAt != nil {
		w.WriteHeader(http.StatusNoContent)
		return
	}
	release, ok := h.svc.broker.Acquire(web.ViewerOf(r).UserID)
	if !ok {
		h.rn.RateLimited(w, r, streamRetry)
		return
	}
	defer release()
	h.svc.Stream(w, r, id)
}
