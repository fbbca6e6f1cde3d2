package episodes

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"climatevolunteers/internal/audit"
	"climatevolunteers/internal/db"
	"climatevolunteers/internal/sealed"
	"climatevolunteers/internal/solidarity"
	"climatevolunteers/internal/solidarity/matching"
)

// Handling an escalation: reassign the person to another volunteer in one
// step, or close it with a note.

// Suggestion is a volunteer who could take a person: a member with room
// left, covering the person's district and speaking one of their
// languages.
type Suggestion struct {
	UserID   int64
	Name     string
	Meters   int64
	Spare    int // people they can still take
	Capacity int
}

// Km is the distance in kilometres, for pages.
func (g Suggestion) Km() float64 { return float64(g.Meters) / 1000 }

// suggest lists the volunteers an assignment could move to, nearest first.
func (s *Service) suggest(ctx context.Context, asg Assignment) ([]Suggestion, error) {
	people, err := s.Registry.Active(ctx, []string{asg.District}, s.now())
	if err != nil {
		return nil, err
	}
	i := slices.IndexFunc(people, func(p solidarity.Person) bool { return p.ID == asg.PersonID })
	if i < 0 {
		return nil, nil // no longer registered: nobody to reassign
	}
	person := people[i]
	rm, err := s.readRoom(ctx, s.DB)
	if err != nil {
		return nil, err
	}
	var out []Suggestion
	for _, m := range rm.members {
		spare := rm.spare[m.UserID]
		if m.UserID == asg.VolunteerID || spare <= 0 || !slices.Contains(m.Districts, asg.District) ||
			!speaksOne(m.Languages, person.Languages) || !validPoint(m.Lat, m.Lon) {
			continue
		}
		out = append(out, Suggestion{UserID: m.UserID, Spare: spare, Capacity: min(m.Capacity, matching.MaxCapacity),
			Meters: matching.DistanceMeters(person.Lat, person.Lon, m.Lat, m.Lon)})
	}
	slices.SortFunc(out, func(a, b Suggestion) int {
		return cmp.Or(cmp.Compare(a.Meters, b.Meters), cmp.Compare(a.UserID, b.UserID))
	})
	out = out[:min(len(out), maxSuggestions)]
	ids := make([]int64, len(out))
	for i, x := range out {
		ids[i] = x.UserID
	}
	nd, err := s.contactsOf(ctx, ids)
	if err != nil {
		return nil, err
	}
	// Members whose account is suspended have no contact: they are not offered.
	kept := out[:0]
	for _, x := range out {
		if c, ok := nd.contacts[x.UserID]; ok {
			x.Name = c.Name
			kept = append(kept, x)
		}
	}
	return kept, nil
}

// speaksOne reports whether the two share a language, case aside.
func speaksOne(a, b []string) bool {
	for _, x := range a {
		for _, y := range b {
			if strings.EqualFold(strings.TrimSpace(x), strings.TrimSpace(y)) {
				return true
			}
		}
	}
	return false
}

// Reassign moves the person of an open escalation to volunteer, one of
// the suggestions: the escalation is resolved ('reassigned'), the
// volunteer told and the change audited. A form read before another change
// to the person gets ErrConflict.
func (s *Service) Reassign(ctx context.Context, a Actor, escalationID, volunteer int64) ([]FieldError, error) {
	if !isStaff(a) {
		return nil, ErrForbidden
	}
	x, err := getEscalation(ctx, s.DB, escalationID)
	if err != nil {
		return nil, err
	}
	asg, err := getAssignment(ctx, s.DB, x.AssignmentID, false)
	if err != nil {
		return nil, err
	}
	if !asg.EpisodeOpen {
		return nil, ErrNotFound
	}
	if !x.Open() || !asg.Active {
		return nil, ErrConflict
	}
	sugg, err := s.suggest(ctx, asg)
	if err != nil {
		return nil, err
	}
	i := slices.IndexFunc(sugg, func(g Suggestion) bool { return g.UserID == volunteer })
	if i < 0 {
		return []FieldError{{Field: "volunteer", Key: "episodes.error.volunteer_choice"}}, nil
	}
	chosen := sugg[i]
	nd, err := s.contactsOf(ctx, []int64{volunteer})
	if err != nil {
		return nil, err
	}
	var refused *FieldError
	err = s.DB.Tx(ctx, func(tx *db.Tx) error {
		if err := lockAssignments(ctx, tx); err != nil {
			return err
		}
		cur, err := getAssignment(ctx, tx, asg.ID, true)
		if err != nil {
			return err
		}
		var resolved sql.NullTime
		if err := tx.QueryRow(ctx, "SELECT resolved_at FROM solidarity_escalations WHERE id = ?", x.ID).Scan(&resolved); err != nil {
			return err
		}
		if cur.Version != asg.Version || resolved.Valid || !cur.EpisodeOpen {
			return ErrConflict
		}
		// Under the lock, the volunteer is still a member with room left.
		rm, err := s.readRoom(ctx, tx)
		if err != nil {
			return err
		}
		switch spare, ok := rm.spare[volunteer]; {
		case !ok:
			refused = &FieldError{Field: "volunteer", Key: "episodes.error.volunteer_choice"}
			return nil
		case spare <= 0:
			refused = &FieldError{Field: "volunteer", Key: "episodes.error.volunteer_full"}
			return nil
		}
		// The call clock goes on: due when it was, or now if that has passed.
		now := s.now()
		if _, err := tx.Exec(ctx, `UPDATE solidarity_assignments SET previous_volunteer_id = COALESCE(volunteer_id, previous_volunteer_id),
			volunteer_id = ?, unmatched_reason = '', kept = 0, meters = ?, next_due_at = ?, version = version + 1 WHERE id = ?`,
			volunteer, chosen.Meters, later(cur.NextDueAt, now), cur.ID); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, "UPDATE solidarity_escalations SET resolved_at = ?, resolved_by = ?, resolution = ? WHERE id = ?",
			now, a.UserID, ResolvedReassigned, x.ID); err != nil {
			return err
		}
		n := notice{volunteer: volunteer, count: 1, batch: fmt.Sprintf("r%dv%d", cur.ID, cur.Version+1)}
		if _, err := s.enqueueCallNotices(ctx, tx, cur.EpisodeID, cur.Hazard, []notice{n}, nd); err != nil {
			return err
		}
		s.changed(tx, cur.EpisodeID)
		return audit.Record(ctx, tx, audit.Entry{ActorID: a.UserID, Action: audit.ActionSolidarityReassigned,
			TargetType: "solidarity_assignment", TargetID: fmt.Sprint(cur.ID),
			Detail: fmt.Sprintf("escalation %d (%s): volunteer %d -> %d", x.ID, x.Reason, cur.VolunteerID, volunteer)})
	})
	if refused != nil {
		return []FieldError{*refused}, nil
	}
	return nil, err
}

// CloseEscalation closes an open escalation as handled, with a short note
// (sealed: it may tell about the person's health).
func (s *Service) CloseEscalation(ctx context.Context, a Actor, id int64, note string) ([]FieldError, error) {
	if !isStaff(a) {
		return nil, ErrForbidden
	}
	x, err := getEscalation(ctx, s.DB, id)
	if err != nil {
		return nil, err
	}
	note = strings.TrimSpace(strings.ToValidUTF8(note, "\uFFFD"))
	switch {
	case note == "":
		return []FieldError{{Field: "note", Key: "form.error.required"}}, nil
	case utf8.RuneCountInString(note) > MaxNote:
		return []FieldError{{Field: "note", Key: "form.error.too_long", Args: []any{MaxNote}}}, nil
	}
	sealedNote, err := s.Keys.SealString(note, sealed.Place("solidarity_escalations", x.ID, "note"))
	if err != nil {
		return nil, err
	}
	return nil, s.DB.Tx(ctx, func(tx *db.Tx) error {
		res, err := tx.Exec(ctx, `UPDATE solidarity_escalations SET resolved_at = ?, resolved_by = ?, resolution = ?, note_sealed = ?
			WHERE id = ? AND resolved_at IS NULL`, s.now(), a.UserID, ResolvedHandled, sealedNote, x.ID)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n != 1 {
			return cmpErr(err, ErrConflict)
		}
		s.changed(tx, x.EpisodeID)
		return audit.Record(ctx, tx, audit.Entry{ActorID: a.UserID, Action: audit.ActionSolidarityEscalationClose,
			TargetType: "solidarity_escalation", TargetID: fmt.Sprint(x.ID), Detail: "handled (" + x.Reason + ")"})
	})
}
