package monitor

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"climatevolunteers/internal/db"
	"climatevolunteers/internal/db/dbtest"
)

// sseEvent is one event read from a stream: its name and data, or a
// comment line.
type sseEvent struct {
	Name, Data, Comment string
}

// readEvent reads up to the next blank line. There is no deadline: a
// stream that never sends fails by the test's own timeout.
func readEvent(t *testing.T, br *bufio.Reader) (sseEvent, error) {
	t.Helper()
	var e sseEvent
	for {
		line, err := br.ReadString('\n')
		if err != nil {
			return e, err
		}
		line = strings.TrimSuffix(line, "\n")
		switch {
		case line == "":
			if e != (sseEvent{}) {
				return e, nil
			}
		case strings.HasPrefix(line, ":"):
			e.Comment = line
		case strings.HasPrefix(line, "event: "):
			e.Name = strings.TrimPrefix(line, "event: ")
		case strings.HasPrefix(line, "data: "):
			e.Data = strings.TrimPrefix(line, "data: ")
		}
	}
}

// nextSnapshot skips comments and returns the next snapshot's totals.
func nextSnapshot(t *testing.T, br *bufio.Reader) map[string]int {
	t.Helper()
	for {
		e, err := readEvent(t, br)
		if err != nil {
			t.Fatalf("stream ended: %v", err)
		}
		if e.Name != "snapshot" {
			continue
		}
		var s struct {
			Total map[string]int `json:"total"`
		}
		if err := json.Unmarshal([]byte(e.Data), &s); err != nil {
			t.Fatalf("event data %q: %v", e.Data, err)
		}
		return s.Total
	}
}

// openStream serves svc's stream of episode and connects to it; cancel
// hangs up.
func openStream(t *testing.T, svc *Service, episode int64) (*http.Response, *bufio.Reader, context.CancelFunc) {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { svc.Stream(w, r, episode) }))
	t.Cleanup(srv.Close)
	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, "GET", srv.URL, nil)
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cancel(); resp.Body.Close() })
	return resp, bufio.NewReader(resp.Body), cancel
}

func TestStreamSendsSnapshotThenPublishedChange(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		// No polling and no heartbeat within the test: only Publish can
		// bring the second snapshot.
		svc := NewService(Deps{DB: d, Poll: time.Hour, Heartbeat: time.Hour})
		resp, br, _ := openStream(t, svc, f.Episode)
		if ct := resp.Header.Get("Content-Type"); ct != "text/event-stream; charset=utf-8" || resp.StatusCode != 200 {
			t.Fatalf("status %d, Content-Type %q", resp.StatusCode, ct)
		}
		if got := nextSnapshot(t, br); got["needs_help"] != 1 || got["people"] != 6 {
			t.Fatalf("first snapshot %v", got)
		}
		if _, err := d.Exec(context.Background(), "UPDATE solidarity_assignments SET last_outcome = 'needs_help' WHERE id = ?", f.A1); err != nil {
			t.Fatal(err)
		}
		svc.Broker().Publish(f.Episode)
		if got := nextSnapshot(t, br); got["needs_help"] != 2 || got["fine"] != 1 {
			t.Fatalf("after the change: %v", got)
		}
	})
}

func TestStreamPollsForChangesMadeElsewhere(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		svc := NewService(Deps{DB: d, Poll: 5 * time.Millisecond, Heartbeat: time.Hour})
		_, br, _ := openStream(t, svc, f.Episode)
		if got := nextSnapshot(t, br); got["not_reached"] != 1 {
			t.Fatalf("first snapshot %v", got)
		}
		// Another instance records a call: nobody publishes here.
		if _, err := d.Exec(context.Background(), "UPDATE solidarity_assignments SET last_outcome = 'not_reached', calls = 1 WHERE id = ?", f.A2); err != nil {
			t.Fatal(err)
		}
		if got := nextSnapshot(t, br); got["not_reached"] != 2 || got["not_called"] != 1 {
			t.Fatalf("after the change: %v", got)
		}
	})
}

func TestStreamHeartbeatAndEnds(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		svc := NewService(Deps{DB: d, Poll: time.Hour, Heartbeat: time.Millisecond})
		_, br, _ := openStream(t, svc, f.Episode)
		nextSnapshot(t, br)
		for {
			e, err := readEvent(t, br)
			if err != nil {
				t.Fatal(err)
			}
			if e.Comment == ": keep-alive" {
				break
			}
		}
		// Shutdown ends the stream.
		svc.Broker().Close()
		for {
			if _, err := readEvent(t, br); err != nil {
				if !errors.Is(err, io.EOF) {
					t.Fatalf("stream ended with %v", err)
				}
				break
			}
		}
		if _, ok := svc.Broker().Acquire(1); ok {
			t.Error("a closed broker gave a stream slot")
		}
	})
}

func TestStreamLifetimeEndsIt(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		svc := NewService(Deps{DB: d, Poll: time.Hour, Heartbeat: time.Hour, StreamLifetime: time.Millisecond})
		_, br, _ := openStream(t, svc, f.Episode)
		nextSnapshot(t, br)
		for {
			if _, err := readEvent(t, br); err != nil {
				if !errors.Is(err, io.EOF) {
					t.Fatalf("stream ended with %v", err)
				}
				return
			}
		}
	})
}

// An episode ending while watched: the stream sends its final figures and
// ends, so that the page can say so and the browser stop. Heartbeats come
// every millisecond: a stream that went on would send one next.
func TestStreamSendsTheFinalSnapshotAndEnds(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		svc := NewService(Deps{DB: d, Poll: time.Hour, Heartbeat: time.Millisecond})
		_, br, _ := openStream(t, svc, f.Episode)
		nextSnapshot(t, br)
		endEpisode(t, d, f.Episode, db.Now())
		svc.Broker().Publish(f.Episode)
		var last struct {
			Ended bool           `json:"ended"`
			Total map[string]int `json:"total"`
		}
		// Heartbeats come every millisecond: a stream that never sends the
		// final figures fails here rather than hanging.
		for events := 0; ; events++ {
			if events == 5000 {
				t.Fatal("no final snapshot after 5,000 events")
			}
			e, err := readEvent(t, br)
			if err != nil {
				t.Fatalf("stream ended before the final snapshot: %v", err)
			}
			if e.Name != "snapshot" {
				continue
			}
			if err := json.Unmarshal([]byte(e.Data), &last); err != nil {
				t.Fatal(err)
			}
			// A read already under way when the episode ended may still
			// send the figures of the moment before; the final one follows.
			if last.Ended {
				break
			}
		}
		if !last.Ended || last.Total["people"] != 7 || last.Total["fine"] != 3 {
			t.Errorf("final snapshot: %+v", last)
		}
		if e, err := readEvent(t, br); !errors.Is(err, io.EOF) {
			t.Errorf("after the final snapshot: %+v, %v; want the end", e, err)
		}
	})
}

func TestStreamOfUnknownEpisode(t *testing.T) {
	d := dbtest.Open(t, db.SQLite)
	svc := NewService(Deps{DB: d})
	rec := httptest.NewRecorder()
	svc.Stream(rec, httptest.NewRequest("GET", "/", nil), 12345)
	if rec.Code != http.StatusNotFound {
		t.Errorf("status %d", rec.Code)
	}
}

func TestStreamHangUpStopsTheFeed(t *testing.T) {
	d := dbtest.Open(t, db.SQLite)
	f := newFixture(t, d)
	svc := NewService(Deps{DB: d, Poll: time.Hour, Heartbeat: time.Hour})
	_, br, cancel := openStream(t, svc, f.Episode)
	nextSnapshot(t, br)
	if svc.Broker().feedCount() != 1 {
		t.Fatalf("feeds: %d", svc.Broker().feedCount())
	}
	cancel()
	// The handler notices the hang-up and unsubscribes; wait for it with
	// the test's timeout as the only limit.
	for svc.Broker().feedCount() != 0 {
		time.Sleep(time.Millisecond)
	}
}

// The server's WriteTimeout would cut a stream: each write moves the
// deadline. Thirty heartbeats 10 ms apart outlast a 100 ms timeout.
func TestStreamOutlivesTheWriteTimeout(t *testing.T) {
	d := dbtest.Open(t, db.SQLite)
	f := newFixture(t, d)
	svc := NewService(Deps{DB: d, Poll: time.Hour, Heartbeat: 10 * time.Millisecond})
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { svc.Stream(w, r, f.Episode) }))
	srv.Config.WriteTimeout = 100 * time.Millisecond
	srv.Start()
	defer srv.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", srv.URL, nil)
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	br := bufio.NewReader(resp.Body)
	nextSnapshot(t, br)
	start := time.Now()
	for beats := 0; beats < 30; {
		e, err := readEvent(t, br)
		if err != nil {
			t.Fatalf("stream cut after %d heartbeats (%v): %v", beats, time.Since(start), err)
		}
		if e.Comment != "" {
			beats++
		}
	}
}
