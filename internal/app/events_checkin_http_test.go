package app_test

import (
	"context"
	"encoding/csv"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"climatevolunteers/internal/app/apptest"
	"climatevolunteers/internal/auth"
	"climatevolunteers/internal/db"
)

// chkAppPerson makes an account named name, registered to eventID with
// status and ticket code; it returns the registration.
func chkAppPerson(t *testing.T, a *apptest.App, eventID int64, name, status, code string) int64 {
	t.Helper()
	user := a.CreateUser(t, "chk-"+strings.ToLower(code)+"@example.org", auth.RoleVolunteer)
	if _, err := a.DB.Exec(context.Background(), "UPDATE users SET display_name = ? WHERE id = ?", name, user); err != nil {
		t.Fatal(err)
	}
	return chkAppRegisterAs(t, a, eventID, user, status, code)
}

func chkAppCheckedIn(t *testing.T, a *apptest.App, eventID int64) int {
	t.Helper()
	var n int
	if err := a.DB.QueryRow(context.Background(), "SELECT checked_in FROM events WHERE id = ?", eventID).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestTicketPageHTTP(t *testing.T) {
	eachEngine(t, func(t *testing.T, e db.Engine) {
		a := apptest.New(t, e, apptest.Options{})
		ev, _, code := chkAppEvent(t, a, "Fresque <du> climat", "TicketPageCode0123456789")
		if _, err := a.DB.Exec(context.Background(), "UPDATE users SET display_name = ? WHERE id = (SELECT user_id FROM event_registrations WHERE ticket = ?)",
			`<script>alert("x")</script> Zoé`, code); err != nil {
			t.Fatal(err)
		}
		c := a.Client(t) // the code is the credential: no account needed
		resp, body := a.Get(t, c, "/tickets/"+code)
		if resp.StatusCode != 200 {
			t.Fatalf("ticket page: %d", resp.StatusCode)
		}
		if got := resp.Header.Get("Cache-Control"); got != "private, no-store" {
			t.Errorf("Cache-Control %q", got)
		}
		if got := resp.Header.Get("Referrer-Policy"); got != "no-referrer" {
			t.Errorf("Referrer-Policy %q", got)
		}
		for _, want := range []string{`<svg xmlns="http://www.w3.org/2000/svg" class="qr"`, `role="img"`,
			"&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; Zoé", "Fresque &lt;du&gt; climat", "Confirmée", code,
			`href="/events/` + strconv.FormatInt(ev, 10) + `"`} {
			if !strings.Contains(body, want) {
				t.Errorf("ticket page lacks %q", want)
			}
		}
		if strings.Contains(body, `<script>alert`) || strings.Contains(body, " style=") {
			t.Error("ticket page carries a raw script or an inline style")
		}
		resp, png := a.Get(t, c, "/tickets/"+code+"/qr.png")
		if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "image/png" || !strings.HasPrefix(png, "\x89PNG") {
			t.Errorf("qr.png: %d %q", resp.StatusCode, resp.Header.Get("Content-Type"))
		}
		for _, p := range []string{"/tickets/WrongCode0123456789xyz", "/tickets/short", "/tickets/WrongCode0123456789xyz/qr.png"} {
			if resp, _ := a.Get(t, c, p); resp.StatusCode != 404 {
				t.Errorf("%s: %d, want 404", p, resp.StatusCode)
			}
		}
		// A cancelled registration's ticket says so and has no QR code.
		if _, err := a.DB.Exec(context.Background(), "UPDATE event_registrations SET status = 'cancelled' WHERE ticket = ?", code); err != nil {
			t.Fatal(err)
		}
		_, body = a.Get(t, c, "/tickets/"+code)
		if strings.Contains(body, "<svg") || !strings.Contains(body, "annulée") {
			t.Error("cancelled ticket still shows a QR code")
		}
		if resp, _ := a.Get(t, c, "/tickets/"+code+"/qr.png"); resp.StatusCode != 404 {
			t.Errorf("cancelled ticket's qr.png: %d", resp.StatusCode)
		}
	})
}

func TestCheckinDeskHTTP(t *testing.T) {
	eachEngine(t, func(t *testing.T, e db.Engine) {
		a := apptest.New(t, e, apptest.Options{})
		ev, reg, code := chkAppEvent(t, a, "Journée des volontaires", "DeskTicketCode0123456789")
		other, _, otherCode := chkAppEvent(t, a, "Atelier vélo", "OtherTicketCode012345678")
		waitReg := chkAppPerson(t, a, ev, "Hélène Attente", "waitlisted", "WaitTicketCode0123456789")
		zoe := chkAppPerson(t, a, ev, "Zoé Martin", "confirmed", "ZoeTicketCode01234567890")
		desk := "/events/" + strconv.FormatInt(ev, 10) + "/checkin"

		staff, _ := a.ClientAs(t, auth.RoleCoordinator)
		resp, body := a.Get(t, staff, desk)
		if resp.StatusCode != 200 {
			t.Fatalf("desk: %d", resp.StatusCode)
		}
		for _, want := range []string{`id="checkin-code"`, `name="code"`, `role="search"`, `/static/js/checkin.`, `defer></script>`,
			`id="checkin-scanner" class="checkin-scanner" hidden`, "/attendance.csv"} {
			if !strings.Contains(body, want) {
				t.Errorf("desk lacks %q", want)
			}
		}

		// Scanning gives the ticket's address; the code alone works too.
		resp, _ = a.PostForm(t, staff, desk, url.Values{"code": {a.Config.PublicURL() + "/tickets/" + code}}.Encode())
		if resp.StatusCode != 303 || !strings.Contains(resp.Header.Get("Location"), "last="+strconv.FormatInt(reg, 10)) {
			t.Fatalf("check-in: %d %s", resp.StatusCode, resp.Header.Get("Location"))
		}
		_, body = a.Get(t, staff, resp.Header.Get("Location"))
		if !strings.Contains(body, "Arrivée enregistrée.") || !strings.Contains(body, "/checkin/"+strconv.FormatInt(reg, 10)+"/undo") {
			t.Error("the desk does not confirm the check-in with an undo button")
		}
		resp, _ = a.PostForm(t, staff, desk, url.Values{"code": {code}}.Encode())
		_, body = a.Get(t, staff, resp.Header.Get("Location"))
		if resp.StatusCode != 303 || !strings.Contains(body, "déjà enregistrée") {
			t.Errorf("second check-in: %d", resp.StatusCode)
		}
		if n := chkAppCheckedIn(t, a, ev); n != 1 {
			t.Errorf("checked_in = %d, want 1", n)
		}

		// Refusals come back on the form, explained.
		for _, c := range []struct{ code, want string }{
			{otherCode, "Ce billet est celui d’un autre événement."},
			{"WaitTicketCode0123456789", "Cette personne est sur liste d’attente"},
			{"NoSuchTicket0123456789", "Aucun billet ne porte ce code."},
			{"", "Saisissez le code du billet."},
			{"pas un code !", "Ce code n’a pas la forme"},
		} {
			resp, body := a.PostForm(t, staff, desk, url.Values{"code": {c.code}}.Encode())
			if resp.StatusCode != 422 || !strings.Contains(body, c.want) || !strings.Contains(body, `aria-invalid="true"`) {
				t.Errorf("code %q: %d, message %q missing", c.code, resp.StatusCode, c.want)
			}
		}
		if n := chkAppCheckedIn(t, a, ev); n != 1 {
			t.Errorf("checked_in = %d after refusals", n)
		}

		// Search by name, accents ignored; the waitlisted person shows
		// without a button.
		_, body = a.Get(t, staff, desk+"?q=zoe")
		if !strings.Contains(body, "Zoé Martin") || !strings.Contains(body, `name="registration" value="`+strconv.FormatInt(zoe, 10)+`"`) {
			t.Error("search for zoe misses Zoé Martin's check-in button")
		}
		_, body = a.Get(t, staff, desk+"?q=HELENE")
		if !strings.Contains(body, "Hélène Attente") || strings.Contains(body, `value="`+strconv.FormatInt(waitReg, 10)+`"`) {
			t.Error("search shows the waitlisted person with a check-in button, or not at all")
		}
		resp, _ = a.PostForm(t, staff, desk, url.Values{"registration": {strconv.FormatInt(zoe, 10)}, "q": {"zoe"}}.Encode())
		if resp.StatusCode != 303 || !strings.Contains(resp.Header.Get("Location"), "q=zoe") {
			t.Errorf("check-in from the search: %d %s", resp.StatusCode, resp.Header.Get("Location"))
		}
		resp, _ = a.PostForm(t, staff, desk, url.Values{"registration": {strconv.FormatInt(waitReg, 10)}}.Encode())
		_, body = a.Get(t, staff, resp.Header.Get("Location"))
		if !strings.Contains(body, "liste d’attente") || chkAppCheckedIn(t, a, ev) != 2 {
			t.Error("a waitlisted person was checked in from the search")
		}

		// Figures.
		_, body = a.Get(t, staff, desk)
		for _, want := range []string{"Inscriptions confirmées</dt><dd>2</dd>", "Arrivées</dt><dd>2</dd>",
			"Pas encore arrivées</dt><dd>0</dd>", "Liste d’attente</dt><dd>1</dd>"} {
			if !strings.Contains(body, want) {
				t.Errorf("figures lack %q", want)
			}
		}

		// Undo.
		resp, _ = a.PostForm(t, staff, desk+"/"+strconv.FormatInt(zoe, 10)+"/undo", "")
		if resp.StatusCode != 303 || chkAppCheckedIn(t, a, ev) != 1 {
			t.Errorf("undo: %d, counter %d", resp.StatusCode, chkAppCheckedIn(t, a, ev))
		}
		if resp, _ := a.PostForm(t, staff, "/events/"+strconv.FormatInt(other, 10)+"/checkin/"+strconv.FormatInt(zoe, 10)+"/undo", ""); resp.StatusCode != 404 {
			t.Errorf("undo through another event: %d", resp.StatusCode)
		}

		// Strangers: a volunteer gets 403 on a published event's desk, 404
		// on a draft's; visitors are sent to sign in.
		vol, _ := a.ClientAs(t, auth.RoleVolunteer)
		for _, p := range []string{desk, desk + "?q=zoe", "/events/" + strconv.FormatInt(ev, 10) + "/attendance.csv"} {
			if resp, _ := a.Get(t, vol, p); resp.StatusCode != 403 {
				t.Errorf("volunteer GET %s: %d", p, resp.StatusCode)
			}
		}
		if resp, _ := a.PostForm(t, vol, desk, url.Values{"code": {code}}.Encode()); resp.StatusCode != 403 {
			t.Errorf("volunteer check-in: %d", resp.StatusCode)
		}
		if resp, _ := a.PostForm(t, vol, desk+"/"+strconv.FormatInt(reg, 10)+"/undo", ""); resp.StatusCode != 403 {
			t.Errorf("volunteer undo: %d", resp.StatusCode)
		}
		if resp, _ := a.Get(t, a.Client(t), desk); resp.StatusCode != 303 {
			t.Errorf("visitor: %d", resp.StatusCode)
		}
		if _, err := a.DB.Exec(context.Background(), "UPDATE events SET status = 'draft' WHERE id = ?", ev); err != nil {
			t.Fatal(err)
		}
		if resp, _ := a.Get(t, vol, desk); resp.StatusCode != 404 {
			t.Errorf("volunteer on a draft's desk: %d", resp.StatusCode)
		}
		if n := chkAppCheckedIn(t, a, ev); n != 1 {
			t.Errorf("checked_in = %d at the end", n)
		}
	})
}

// A listed organiser runs the desk of their event; the export holds names,
// never e-mails, with formulas defused.
func TestAttendanceCSVHTTP(t *testing.T) {
	eachEngine(t, func(t *testing.T, e db.Engine) {
		a := apptest.New(t, e, apptest.Options{})
		ev, _, _ := chkAppEvent(t, a, "Journée des volontaires", "CsvTicketCode01234567890")
		org, orgID := a.ClientAs(t, auth.RoleVolunteer)
		if _, err := a.DB.Exec(context.Background(), "INSERT INTO event_organisers (event_id, user_id, created_at) VALUES (?, ?, ?)",
			ev, orgID, db.Now()); err != nil {
			t.Fatal(err)
		}
		evil := chkAppPerson(t, a, ev, `=HYPERLINK("http://evil.example","x")`, "confirmed", "EvilTicketCode0123456789")
		chkAppPerson(t, a, ev, "@Léa", "waitlisted", "LeaTicketCode01234567890")
		var session int64
		if err := a.DB.Tx(context.Background(), func(tx *db.Tx) error {
			return tx.QueryRow(context.Background(), `INSERT INTO event_sessions (event_id, title, starts_at, ends_at)
				SELECT id, '+Vélo', starts_at, ends_at FROM events WHERE id = ? RETURNING id`, ev).Scan(&session)
		}); err != nil {
			t.Fatal(err)
		}
		if _, err := a.DB.Exec(context.Background(), "INSERT INTO event_session_choices (registration_id, session_id, status, created_at) VALUES (?, ?, 'confirmed', ?)",
			evil, session, db.Now()); err != nil {
			t.Fatal(err)
		}
		desk := "/events/" + strconv.FormatInt(ev, 10) + "/checkin"
		if resp, _ := a.PostForm(t, org, desk, url.Values{"code": {"EvilTicketCode0123456789"}}.Encode()); resp.StatusCode != 303 {
			t.Fatalf("organiser's check-in: %d", resp.StatusCode)
		}
		resp, body := a.Get(t, org, "/events/"+strconv.FormatInt(ev, 10)+"/attendance.csv")
		if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/csv") ||
			!strings.Contains(resp.Header.Get("Content-Disposition"), "attachment") {
			t.Fatalf("csv: %d %q", resp.StatusCode, resp.Header.Get("Content-Type"))
		}
		if strings.Contains(body, "@example.org") {
			t.Error("the export holds e-mail addresses")
		}
		rows, err := csv.NewReader(strings.NewReader(body)).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != 4 || strings.Join(rows[0], "|") != "Nom|Inscription|Ateliers|Arrivée (heure de Paris)" {
			t.Fatalf("csv rows: %q", rows)
		}
		byName := map[string][]string{}
		for _, r := range rows[1:] {
			byName[r[0]] = r
		}
		ev1 := byName[`'=HYPERLINK("http://evil.example","x")`]
		if ev1 == nil || ev1[1] != "Confirmée" || ev1[2] != "'+Vélo" || len(ev1[3]) != len("2006-01-02 15:04") {
			t.Errorf("evil row: %q", ev1)
		}
		if lea := byName["'@Léa"]; lea == nil || lea[1] != "Liste d’attente" || lea[3] != "" {
			t.Errorf("Léa's row: %q", lea)
		}
		if byName["Zoé"] != nil || len(byName) != 3 {
			t.Errorf("rows by name: %q", byName)
		}
		resp, _ = a.Get(t, org, desk)
		if resp.StatusCode != http.StatusOK {
			t.Errorf("organiser's desk: %d", resp.StatusCode)
		}
	})
}
