package episodes

import (
	"fmt"
	"testing"

	"climatevolunteers/internal/db"
	"climatevolunteers/internal/db/dbtest"
)

func TestErasePeopleBlanksTheirNotesOnly(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := t.Context()
		now := db.Now()
		var episode, user int64
		people := make([]int64, 2)
		err := d.Tx(ctx, func(tx *db.Tx) error {
			if _, err := tx.Exec(ctx, `INSERT INTO districts (code, name, position, lat, lon, created_at, updated_at)
			VALUES ('11', 'Popincourt', 11, 48.86, 2.38, ?, ?) ON CONFLICT (code) DO NOTHING`, now, now); err != nil {
				return err
			}
			if err := tx.QueryRow(ctx, `INSERT INTO users (email, display_name, role, status, language, created_at, updated_at)
			VALUES ('v@example.org', 'V', 'volunteer', 'active', 'fr', ?, ?) RETURNING id`, now, now).Scan(&user); err != nil {
				return err
			}
			if err := tx.QueryRow(ctx, "INSERT INTO solidarity_episodes (hazard, started_at) VALUES ('heat', ?) RETURNING id", now).Scan(&episode); err != nil {
				return err
			}
			for i := range people {
				if err := tx.QueryRow(ctx, `INSERT INTO registry_people (district_code, languages, card_sealed, point_sealed, phone_blind,
				identity_blind, registered_as, consent_version, consent_at, season_ends_at, created_at, updated_at)
				VALUES ('11', 'fr', 'x', 'x', ?, ?, 'staff', 1, ?, ?, ?, ?) RETURNING id`,
					fmt.Sprint("p", i), fmt.Sprint("i", i), now, now.AddDate(1, 0, 0), now, now).Scan(&people[i]); err != nil {
					return err
				}
				var a int64
				if err := tx.QueryRow(ctx, `INSERT INTO solidarity_assignments (episode_id, person_id, district_code, volunteer_id, next_due_at, assigned_at)
				VALUES (?, ?, '11', ?, ?, ?) RETURNING id`, episode, people[i], user, now, now).Scan(&a); err != nil {
					return err
				}
				if _, err := tx.Exec(ctx, `INSERT INTO solidarity_calls (assignment_id, episode_id, volunteer_id, outcome, help_sealed, called_at)
				VALUES (?, ?, ?, 'needs_help', 'sealed-help', ?)`, a, episode, user, now); err != nil {
					return err
				}
				if _, err := tx.Exec(ctx, `INSERT INTO solidarity_escalations (assignment_id, episode_id, district_code, reason, raised_at, resolved_at, note_sealed)
				VALUES (?, ?, '11', 'needs_help', ?, ?, 'sealed-note')`, a, episode, now, now); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if err := d.Tx(ctx, func(tx *db.Tx) error { return ErasePeople(ctx, tx, people[:1]) }); err != nil {
			t.Fatal(err)
		}
		count := func(q string, args ...any) int {
			var n int
			if err := d.QueryRow(ctx, q, args...).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		for i, want := range []int{0, 1} {
			q := "SELECT COUNT(*) FROM solidarity_calls c JOIN solidarity_assignments a ON a.id = c.assignment_id WHERE a.person_id = ? AND c.help_sealed <> ''"
			if got := count(q, people[i]); got != want {
				t.Errorf("person %d: %d calls with help kept, want %d", i, got, want)
			}
			q = "SELECT COUNT(*) FROM solidarity_escalations e JOIN solidarity_assignments a ON a.id = e.assignment_id WHERE a.person_id = ? AND e.note_sealed <> ''"
			if got := count(q, people[i]); got != want {
				t.Errorf("person %d: %d escalation notes kept, want %d", i, got, want)
			}
		}
		if got := count("SELECT COUNT(*) FROM solidarity_calls"); got != 2 {
			t.Errorf("calls left: %d, want 2 (counts stay for the reports)", got)
		}
	})
}
