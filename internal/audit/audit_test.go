package audit_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"climatevolunteers/internal/audit"
	"climatevolunteers/internal/db"
	"climatevolunteers/internal/db/dbtest"
)

var ctx = context.Background()

func addUser(t *testing.T, d *db.DB, email string) int64 {
	t.Helper()
	now := db.Now()
	if _, err := d.Exec(ctx, "INSERT INTO users (email, role, created_at, updated_at) VALUES (?, 'volunteer', ?, ?)", email, now, now); err != nil {
		t.Fatal(err)
	}
	var id int64
	if err := d.QueryRow(ctx, "SELECT id FROM users WHERE email = ?", email).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return id
}

func record(t *testing.T, d *db.DB, e audit.Entry, at time.Time) {
	t.Helper()
	if err := audit.Record(ctx, d, e); err != nil {
		t.Fatal(err)
	}
	// Record always stamps now; tests place entries in time afterwards.
	if _, err := d.Exec(ctx, "UPDATE audit_log SET at = ? WHERE id = (SELECT MAX(id) FROM audit_log)", at.UTC()); err != nil {
		t.Fatal(err)
	}
}

func list(t *testing.T, d *db.DB, f audit.Filter) ([]audit.Row, int) {
	t.Helper()
	rows, total, err := audit.List(ctx, d, f)
	if err != nil {
		t.Fatal(err)
	}
	return rows, total
}

func actions(rows []audit.Row) string {
	var s []string
	for _, r := range rows {
		s = append(s, r.Action+":"+r.TargetID)
	}
	return strings.Join(s, " ")
}

func TestRecordInTransactionAndOutside(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		admin := addUser(t, d, "admin@example.fr")
		before := db.Now()
		err := d.Tx(ctx, func(tx *db.Tx) error {
			return audit.Record(ctx, tx, audit.Entry{ActorID: admin, Action: audit.ActionRoleChanged,
				TargetType: "user", TargetID: "7", IPNetwork: "203.0.113.0/24", Detail: "volunteer -> coordinator"})
		})
		if err != nil {
			t.Fatal(err)
		}
		// Written in a transaction that fails: the entry goes with it.
		boom := errors.New("boom")
		err = d.Tx(ctx, func(tx *db.Tx) error {
			if err := audit.Record(ctx, tx, audit.Entry{ActorID: admin, Action: audit.ActionUserSuspended, TargetID: "7"}); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatal(err)
		}
		// No actor: a failed sign-in by someone unknown, straight on the DB.
		long := strings.Repeat("é", audit.MaxDetail) // 2 bytes each
		if err := audit.Record(ctx, d, audit.Entry{Action: audit.ActionSigninFailed, Detail: long}); err != nil {
			t.Fatal(err)
		}
		if err := audit.Record(ctx, d, audit.Entry{}); !errors.Is(err, audit.ErrNoAction) {
			t.Fatalf("entry without action: %v", err)
		}

		rows, total := list(t, d, audit.Filter{})
		if total != 2 || len(rows) != 2 {
			t.Fatalf("total %d, rows %d: %s", total, len(rows), actions(rows))
		}
		failed, changed := rows[0], rows[1]
		if failed.ActorID != 0 || failed.ActorEmail != "" || failed.Action != audit.ActionSigninFailed {
			t.Errorf("actorless row: %+v", failed)
		}
		if len(failed.Detail) > audit.MaxDetail || !strings.HasPrefix(long, failed.Detail) || !strings.HasSuffix(failed.Detail, "é") {
			t.Errorf("detail not cut cleanly: %d bytes", len(failed.Detail))
		}
		want := audit.Row{ID: changed.ID, At: changed.At, ActorID: admin, ActorEmail: "admin@example.fr",
			Action: audit.ActionRoleChanged, TargetType: "user", TargetID: "7", IPNetwork: "203.0.113.0/24",
			Detail: "volunteer -> coordinator"}
		if changed != want {
			t.Errorf("row\n got %+v\nwant %+v", changed, want)
		}
		if changed.At.Before(before) || changed.At.After(db.Now()) || changed.At.Location() != time.UTC {
			t.Errorf("at = %v, want now in UTC", changed.At)
		}
	})
}

func TestListFilters(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		jean := addUser(t, d, "jean_d@example.fr")
		jeanx := addUser(t, d, "jeanxd@example.fr")
		gone := addUser(t, d, "parti@example.fr")
		day := func(d, h int) time.Time { return time.Date(2026, 7, d, h, 0, 0, 0, time.UTC) }
		record(t, d, audit.Entry{ActorID: jean, Action: audit.ActionSignin, TargetID: "a"}, day(1, 9))
		record(t, d, audit.Entry{ActorID: jeanx, Action: audit.ActionSignin, TargetID: "b"}, day(2, 9))
		record(t, d, audit.Entry{ActorID: jean, Action: audit.ActionSignout, TargetID: "c"}, day(3, 9))
		record(t, d, audit.Entry{ActorID: gone, Action: audit.ActionDataExport, TargetID: "d"}, day(4, 9))
		record(t, d, audit.Entry{Action: audit.ActionSigninFailed, TargetID: "e"}, day(4, 9).Add(time.Microsecond))
		if _, err := d.Exec(ctx, "DELETE FROM users WHERE id = ?", gone); err != nil {
			t.Fatal(err)
		}

		cases := []struct {
			name string
			f    audit.Filter
			want string
		}{
			{"all, newest first", audit.Filter{}, "auth.signin_failed:e data.export:d auth.signout:c auth.signin:b auth.signin:a"},
			{"action", audit.Filter{Action: audit.ActionSignin}, "auth.signin:b auth.signin:a"},
			{"unknown action", audit.Filter{Action: "nope"}, ""},
			{"exact email", audit.Filter{ActorEmail: "jean_d@example.fr"}, "auth.signout:c auth.signin:a"},
			{"email any case", audit.Filter{ActorEmail: "  JEAN_D@Example.FR "}, "auth.signout:c auth.signin:a"},
			{"prefix", audit.Filter{ActorEmail: "jean"}, "auth.signout:c auth.signin:b auth.signin:a"},
			{"underscore is literal", audit.Filter{ActorEmail: "jean_"}, "auth.signout:c auth.signin:a"},
			{"percent is literal", audit.Filter{ActorEmail: "%"}, ""},
			{"deleted actor matches no email", audit.Filter{ActorEmail: "parti"}, ""},
			{"email and action", audit.Filter{ActorEmail: "jean", Action: audit.ActionSignin}, "auth.signin:b auth.signin:a"},
			{"from is inclusive", audit.Filter{From: day(2, 9)}, "auth.signin_failed:e data.export:d auth.signout:c auth.signin:b"},
			{"to is exclusive", audit.Filter{To: day(3, 9)}, "auth.signin:b auth.signin:a"},
			{"one microsecond", audit.Filter{From: day(4, 9).Add(time.Microsecond)}, "auth.signin_failed:e"},
			{"range", audit.Filter{From: day(2, 0), To: day(4, 0)}, "auth.signout:c auth.signin:b"},
			{"range in another zone", audit.Filter{From: day(2, 0).In(time.FixedZone("CEST", 7200)), To: day(4, 0).In(time.FixedZone("CEST", 7200))}, "auth.signout:c auth.signin:b"},
		}
		for _, c := range cases {
			rows, total := list(t, d, c.f)
			if got := actions(rows); got != c.want {
				t.Errorf("%s:\n got %q\nwant %q", c.name, got, c.want)
			}
			if total != len(rows) {
				t.Errorf("%s: total %d for %d rows", c.name, total, len(rows))
			}
		}
		// The deleted actor keeps its id; its email is simply unknown now.
		rows, _ := list(t, d, audit.Filter{Action: audit.ActionDataExport})
		if len(rows) != 1 || rows[0].ActorID != gone || rows[0].ActorEmail != "" {
			t.Errorf("deleted actor row: %+v", rows)
		}
	})
}

func TestListPages(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
		for i := range 5 {
			record(t, d, audit.Entry{Action: audit.ActionSignup, TargetID: string(rune('a' + i))}, base.Add(time.Duration(i)*time.Hour))
		}
		pages := map[int]string{
			0: "auth.signup:e auth.signup:d", // page 0 is page 1
			1: "auth.signup:e auth.signup:d",
			2: "auth.signup:c auth.signup:b",
			3: "auth.signup:a",
			4: "",
		}
		for page, want := range pages {
			rows, total := list(t, d, audit.Filter{Page: page, PerPage: 2})
			if got := actions(rows); got != want || total != 5 {
				t.Errorf("page %d: %q (total %d), want %q (total 5)", page, got, total, want)
			}
		}
		// Equal times: the later id comes first, so pages never overlap.
		if _, err := d.Exec(ctx, "UPDATE audit_log SET at = ?", base); err != nil {
			t.Fatal(err)
		}
		var seen []string
		for page := 1; page <= 3; page++ {
			rows, _ := list(t, d, audit.Filter{Page: page, PerPage: 2})
			seen = append(seen, actions(rows))
		}
		if got := strings.Join(seen, " "); got != "auth.signup:e auth.signup:d auth.signup:c auth.signup:b auth.signup:a" {
			t.Errorf("pages at equal times: %q", got)
		}
		// PerPage is capped.
		if rows, _ := list(t, d, audit.Filter{PerPage: 1 << 30}); len(rows) != 5 {
			t.Errorf("huge PerPage: %d rows", len(rows))
		}
	})
}
