package app_test

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"climatevolunteers/internal/app/apptest"
	"climatevolunteers/internal/auth"
	"climatevolunteers/internal/db"
)

// monExec runs statements in one write transaction.
func monExec(t testing.TB, a *apptest.App, fn func(ctx context.Context, tx *db.Tx) error) {
	t.Helper()
	if err := a.DB.Tx(context.Background(), func(tx *db.Tx) error { return fn(context.Background(), tx) }); err != nil {
		t.Fatal(err)
	}
}

// monAppHeat writes an open heat episode over districts 4 and 11 (added
// here: the app runs without demo data): in 4, one person fine and one
// needing help with its escalation; in 11, one person not yet called, left
// to City staff, whose due time has passed (not "overdue": no volunteer
// is late). It returns the episode and the assignment
// of the person fine.
func monAppHeat(t testing.TB, a *apptest.App) (episode, fine int64) {
	t.Helper()
	vol := a.CreateUser(t, "mon-vol-"+strconv.FormatInt(time.Now().UnixNano(), 36)+"@example.org", auth.RoleVolunteer)
	now := db.Now()
	monExec(t, a, func(ctx context.Context, tx *db.Tx) error {
		for i, d := range [][2]string{{"4", "Hôtel-de-Ville"}, {"11", "Popincourt"}} {
			if _, err := tx.Exec(ctx, `INSERT INTO districts (code, name, position, lat, lon, created_at, updated_at)
				VALUES (?, ?, ?, 48.86, 2.35, ?, ?)`, d[0], d[1], i, now, now); err != nil {
				return err
			}
		}
		if err := tx.QueryRow(ctx, `INSERT INTO solidarity_episodes (hazard, started_at) VALUES ('heat', ?) RETURNING id`,
			now.Add(-6*time.Hour)).Scan(&episode); err != nil {
			return err
		}
		for _, code := range []string{"4", "11"} {
			if _, err := tx.Exec(ctx, `INSERT INTO solidarity_episode_districts (episode_id, district_code, level, added_at)
				VALUES (?, ?, 3, ?)`, episode, code, now.Add(-6*time.Hour)); err != nil {
				return err
			}
		}
		add := func(code string, vol any, outcome string, due time.Time) (id int64, err error) {
			calls := 0
			var last any
			if outcome != "" {
				calls, last = 1, now.Add(-time.Hour)
			}
			err = tx.QueryRow(ctx, `INSERT INTO solidarity_assignments (episode_id, district_code, volunteer_id, calls,
				last_outcome, last_call_at, next_due_at, assigned_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
				episode, code, vol, calls, outcome, last, due, now.Add(-6*time.Hour)).Scan(&id)
			return id, err
		}
		var err error
		if fine, err = add("4", vol, "fine", now.Add(40*time.Hour)); err != nil {
			return err
		}
		help, err := add("4", vol, "needs_help", now.Add(40*time.Hour))
		if err != nil {
			return err
		}
		if _, err := add("11", nil, "", now.Add(-time.Hour)); err != nil {
			return err
		}
		for _, c := range []struct {
			id      int64
			outcome string
		}{{fine, "fine"}, {help, "needs_help"}} {
			if _, err := tx.Exec(ctx, `INSERT INTO solidarity_calls (assignment_id, episode_id, volunteer_id, outcome, called_at)
				VALUES (?, ?, ?, ?, ?)`, c.id, episode, vol, c.outcome, now.Add(-time.Hour)); err != nil {
				return err
			}
		}
		_, err = tx.Exec(ctx, `INSERT INTO solidarity_escalations (assignment_id, episode_id, district_code, reason, raised_at)
			VALUES (?, ?, '4', 'needs_help', ?)`, help, episode, now.Add(-time.Hour))
		return err
	})
	return episode, fine
}

func TestMonitorPagesAreForCoordinators(t *testing.T) {
	eachEngine(t, func(t *testing.T, e db.Engine) {
		a := apptest.New(t, e, apptest.Options{})
		ep, _ := monAppHeat(t, a)
		id := strconv.FormatInt(ep, 10)
		vol, _ := a.ClientAs(t, auth.RoleVolunteer)
		for _, path := range []string{"/coordination/solidarity/live", "/coordination/solidarity/live/stream?episode=" + id,
			"/coordination/solidarity/episodes", "/coordination/solidarity/episodes/" + id + "/report",
			"/coordination/solidarity/episodes/" + id + "/report.csv"} {
			resp, _ := a.Get(t, a.Client(t), path)
			if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/signin?next=") {
				t.Errorf("visitor on %s: %d to %q", path, resp.StatusCode, resp.Header.Get("Location"))
			}
			resp, body := a.Get(t, vol, path)
			if resp.StatusCode != http.StatusForbidden || strings.Contains(body, "Hôtel-de-Ville") {
				t.Errorf("volunteer on %s: %d", path, resp.StatusCode)
			}
		}
	})
}

func TestMonitorLivePage(t *testing.T) {
	eachEngine(t, func(t *testing.T, e db.Engine) {
		a := apptest.New(t, e, apptest.Options{})
		c, _ := a.ClientAs(t, auth.RoleCoordinator)
		resp, body := a.Get(t, c, "/coordination/solidarity/live")
		if resp.StatusCode != 200 || !strings.Contains(body, "Aucun épisode de solidarité n’est en cours.") || strings.Contains(body, "solidarity-live") {
			t.Fatalf("no episode: %d\n%s", resp.StatusCode, body)
		}
		ep, _ := monAppHeat(t, a)
		id := strconv.FormatInt(ep, 10)
		resp, body = a.Get(t, c, "/coordination/solidarity/live")
		if resp.StatusCode != 200 {
			t.Fatalf("live page: %d", resp.StatusCode)
		}
		if got := resp.Header.Get("Cache-Control"); got != "private, no-store" {
			t.Errorf("Cache-Control %q", got)
		}
		for _, want := range []string{
			`data-stream="/coordination/solidarity/live/stream?episode=` + id + `"`,
			`<script src="/static/js/solidarity-live.`, `aria-live="polite"`,
			// The stream's state is announced; the JS links the report when the episode ends.
			`<p id="live-status" class="live-status" role="status">`, `data-report="/coordination/solidarity/episodes/` + id + `/report"`,
			`data-msg-ended="Cet épisode est terminé`, `data-msg-see-report="Voir le bilan"`,
			`href="/coordination/solidarity/escalations?episode=` + id + `"`,
			`<tr data-district="4"><th scope="row">Hôtel-de-Ville`,
			`<td class="num" data-k="needs_help">1</td>`, `<dd data-k="people">3</dd>`, `<dd data-k="overdue">0</dd>`,
			`<dd data-k="esc_total">1</dd>`, `<dd data-k="volunteers">1</dd>`, `<dd data-k="unmatched">1</dd>`,
			`<th scope="col" class="num">Besoin d’aide</th>`, "Canicule",
		} {
			if !strings.Contains(body, want) {
				t.Errorf("live page lacks %q", want)
			}
		}
		if strings.Index(body, `data-district="4"`) > strings.Index(body, `data-district="11"`) {
			t.Error("districts not in display order")
		}
		_, body = a.Get(t, c, "/coordination/solidarity/live?episode="+id, "Accept-Language", "en")
		if !strings.Contains(body, "Heatwave") || !strings.Contains(body, "Needs help") {
			t.Error("English page")
		}
		for path, status := range map[string]int{"?episode=abc": 400, "?episode=-3": 400, "?episode=999999": 404} {
			if resp, _ := a.Get(t, c, "/coordination/solidarity/live"+path); resp.StatusCode != status {
				t.Errorf("%s: %d, want %d", path, resp.StatusCode, status)
			}
		}
		// An ended episode shows its last figures, without a stream.
		old := monAppEpisode(t, a, "11")
		_, body = a.Get(t, c, "/coordination/solidarity/live?episode="+strconv.FormatInt(old, 10))
		if strings.Contains(body, "data-stream") || !strings.Contains(body, "Cet épisode est terminé") {
			t.Errorf("ended episode page:\n%s", body)
		}
		// Its assignments have stopped: the figures are the final ones, not zeros.
		monEnd(t, a, ep)
		_, body = a.Get(t, c, "/coordination/solidarity/live?episode="+id)
		if strings.Contains(body, "data-stream") || !strings.Contains(body, `<dd data-k="people">3</dd>`) ||
			!strings.Contains(body, `<dd data-k="needs_help">1</dd>`) {
			t.Errorf("ended heat episode page:\n%s", body)
		}
	})
}

// monStream opens the live stream of episode as c; the stream is hung up
// when the test ends.
func monStream(t *testing.T, a *apptest.App, c *http.Client, episode int64) (*http.Response, *bufio.Reader, context.CancelFunc) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, "GET", a.Server.URL+"/coordination/solidarity/live/stream?episode="+strconv.FormatInt(episode, 10), nil)
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cancel(); resp.Body.Close() })
	return resp, bufio.NewReader(resp.Body), cancel
}

// monNextTotals reads events up to the next snapshot and returns its totals.
// No deadline: the test's own timeout is the only limit.
func monNextTotals(t *testing.T, br *bufio.Reader) map[string]int {
	t.Helper()
	var name string
	for {
		line, err := br.ReadString('\n')
		if err != nil {
			t.Fatalf("stream ended: %v", err)
		}
		line = strings.TrimSuffix(line, "\n")
		if v, ok := strings.CutPrefix(line, "event: "); ok {
			name = v
		}
		if v, ok := strings.CutPrefix(line, "data: "); ok && name == "snapshot" {
			var s struct {
				Total map[string]int `json:"total"`
			}
			if err := json.Unmarshal([]byte(v), &s); err != nil {
				t.Fatal(err)
			}
			return s.Total
		}
	}
}

func TestMonitorStreamSendsChangesAndIsBounded(t *testing.T) {
	eachEngine(t, func(t *testing.T, e db.Engine) {
		a := apptest.New(t, e, apptest.Options{})
		ep, fine := monAppHeat(t, a)
		c, _ := a.ClientAs(t, auth.RoleCoordinator)
		resp, br, hangUp := monStream(t, a, c, ep)
		if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "text/event-stream; charset=utf-8" {
			t.Fatalf("stream: %d %q", resp.StatusCode, resp.Header.Get("Content-Type"))
		}
		if got := monNextTotals(t, br); got["needs_help"] != 1 || got["people"] != 3 {
			t.Fatalf("first snapshot %v", got)
		}
		// A call recorded elsewhere: the stream's re-reading finds it.
		if _, err := a.DB.Exec(context.Background(), "UPDATE solidarity_assignments SET last_outcome = 'needs_help' WHERE id = ?", fine); err != nil {
			t.Fatal(err)
		}
		if got := monNextTotals(t, br); got["needs_help"] != 2 || got["fine"] != 0 {
			t.Fatalf("after the change: %v", got)
		}

		// Five streams per account; the sixth is refused.
		for range 4 {
			if resp, _, _ := monStream(t, a, c, ep); resp.StatusCode != 200 {
				t.Fatalf("stream refused early: %d", resp.StatusCode)
			}
		}
		resp, _, _ = monStream(t, a, c, ep)
		if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") == "" {
			t.Fatalf("sixth stream: %d, Retry-After %q", resp.StatusCode, resp.Header.Get("Retry-After"))
		}
		other, _ := a.ClientAs(t, auth.RoleAdmin)
		if resp, _, _ := monStream(t, a, other, ep); resp.StatusCode != 200 {
			t.Errorf("another account refused: %d", resp.StatusCode)
		}
		// Hanging up gives the slot back, once the server has noticed.
		hangUp()
		for {
			resp, _, _ := monStream(t, a, c, ep)
			if resp.StatusCode == 200 {
				break
			}
			if resp.StatusCode != http.StatusTooManyRequests {
				t.Fatalf("after hanging up: %d", resp.StatusCode)
			}
			time.Sleep(10 * time.Millisecond)
		}
	})
}

// monEnd ends an episode as the episodes part does: its districts leave,
// its assignments stop and its escalations close.
func monEnd(t testing.TB, a *apptest.App, episode int64) {
	t.Helper()
	now := db.Now()
	monExec(t, a, func(ctx context.Context, tx *db.Tx) error {
		for _, q := range []string{"UPDATE solidarity_episodes SET ended_at = ? WHERE id = ?",
			"UPDATE solidarity_episode_districts SET removed_at = ? WHERE episode_id = ? AND removed_at IS NULL",
			"UPDATE solidarity_escalations SET resolved_at = ?, resolution = 'episode_ended' WHERE episode_id = ? AND resolved_at IS NULL",
			"UPDATE solidarity_assignments SET active = 0, version = version + 1 WHERE episode_id = ?"} {
			args := []any{now, episode}
			if strings.Count(q, "?") == 1 {
				args = args[1:]
			}
			if _, err := tx.Exec(ctx, q, args...); err != nil {
				return err
			}
		}
		return nil
	})
}

// An ended episode's stream answers 204 No Content, on which EventSource
// stops for good instead of reconnecting every few minutes.
func TestMonitorStreamOfEndedEpisodeIsNoContent(t *testing.T) {
	eachEngine(t, func(t *testing.T, e db.Engine) {
		a := apptest.New(t, e, apptest.Options{})
		ep, _ := monAppHeat(t, a)
		monEnd(t, a, ep)
		c, _ := a.ClientAs(t, auth.RoleCoordinator)
		if resp, _, _ := monStream(t, a, c, ep); resp.StatusCode != http.StatusNoContent {
			t.Errorf("stream of an ended episode: %d, want 204", resp.StatusCode)
		}
	})
}

func TestMonitorEpisodesAndReport(t *testing.T) {
	eachEngine(t, func(t *testing.T, e db.Engine) {
		a := apptest.New(t, e, apptest.Options{})
		c, _ := a.ClientAs(t, auth.RoleCoordinator)
		_, body := a.Get(t, c, "/coordination/solidarity/episodes")
		if !strings.Contains(body, "Aucun épisode pour l’instant.") {
			t.Error("empty list")
		}
		ep, _ := monAppHeat(t, a)
		old := monAppEpisode(t, a, "11")
		id := strconv.FormatInt(ep, 10)
		resp, body := a.Get(t, c, "/coordination/solidarity/episodes")
		if resp.StatusCode != 200 {
			t.Fatalf("list: %d", resp.StatusCode)
		}
		heat := strings.Index(body, `href="/coordination/solidarity/episodes/`+id+`/report"`)
		flood := strings.Index(body, `href="/coordination/solidarity/episodes/`+strconv.FormatInt(old, 10)+`/report"`)
		if heat < 0 || flood < 0 || heat > flood {
			t.Errorf("list lacks an episode or is not latest first (%d, %d)", heat, flood)
		}
		if !strings.Contains(body, `href="/coordination/solidarity/live?episode=`+id+`"`) {
			t.Error("open episode not linked to the live page")
		}
		for path, status := range map[string]int{"?page=0": 400, "?page=x": 400, "?page=2": 200} {
			if resp, _ := a.Get(t, c, "/coordination/solidarity/episodes"+path); resp.StatusCode != status {
				t.Errorf("%s: %d, want %d", path, resp.StatusCode, status)
			}
		}

		resp, body = a.Get(t, c, "/coordination/solidarity/episodes/"+id+"/report")
		if resp.StatusCode != 200 {
			t.Fatalf("report: %d", resp.StatusCode)
		}
		for _, want := range []string{"Bilan de l’épisode", "L’épisode est en cours", `<th scope="row">Hôtel-de-Ville</th><td class="num">2</td>`,
			"5 h 00", `href="/coordination/solidarity/episodes/` + id + `/report.csv"`, "personne n’a été appelée",
			"court de la dernière attribution de chaque personne (une réattribution le fait repartir)"} {
			if !strings.Contains(body, want) {
				t.Errorf("report lacks %q", want)
			}
		}
		for _, path := range []string{"999999/report", "abc/report", "0/report.csv"} {
			if resp, _ := a.Get(t, c, "/coordination/solidarity/episodes/"+path); resp.StatusCode != 404 {
				t.Errorf("%s: %d", path, resp.StatusCode)
			}
		}

		resp, body = a.Get(t, c, "/coordination/solidarity/episodes/"+id+"/report.csv", "Accept-Language", "en")
		if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "text/csv; charset=utf-8" ||
			resp.Header.Get("Content-Disposition") != `attachment; filename="episode-`+id+`-report.csv"` {
			t.Fatalf("CSV: %d %q %q", resp.StatusCode, resp.Header.Get("Content-Type"), resp.Header.Get("Content-Disposition"))
		}
		records, err := csv.NewReader(strings.NewReader(body)).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		want := [][]string{
			{"district_code", "district", "people", "matched", "unmatched", "calls", "reached_fine", "needed_help",
				"unreached_escalations", "overdue_escalations", "volunteers", "median_minutes_to_first_call"},
			{"4", "Hôtel-de-Ville", "2", "2", "0", "2", "1", "1", "0", "0", "1", "300.0"},
			{"11", "Popincourt", "1", "0", "1", "0", "0", "0", "0", "0", "0", ""},
			{"total", "", "3", "2", "1", "2", "1", "1", "0", "0", "1", "300.0"},
		}
		if len(records) != len(want) {
			t.Fatalf("CSV:\n%s", body)
		}
		for i := range want {
			if strings.Join(records[i], "|") != strings.Join(want[i], "|") {
				t.Errorf("CSV line %d: %v, want %v", i, records[i], want[i])
			}
		}
	})
}
