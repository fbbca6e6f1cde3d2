package episodes

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"climatevolunteers/internal/alerts"
	"climatevolunteers/internal/sealed"
	"climatevolunteers/internal/solidarity"
)

// What coordinators see of escalations: the lists hold no personal data
// (reason, district, time); opening one reads the person's card, which the
// registry audits.

// Escalation is an escalation with what the lists show of its assignment.
type Escalation struct {
	ID           int64
	AssignmentID int64
	EpisodeID    int64
	Hazard       alerts.Hazard
	District     string
	Reason       string
	RaisedAt     time.Time
	ResolvedAt   *time.Time
	Resolution   string
	VolunteerID  int64
	Calls        int
	LastOutcome  string
	noteSealed   string
}

// Open reports whether the escalation waits for a coordinator.
func (e Escalation) Open() bool { return e.ResolvedAt == nil }

const escalationColumns = `x.id, x.assignment_id, x.episode_id, e.hazard, x.district_code, x.reason, x.raised_at, x.resolved_at,
	x.resolution, COALESCE(a.volunteer_id, 0), a.calls, a.last_outcome, x.note_sealed`

const escalationFrom = ` FROM solidarity_escalations x JOIN solidarity_assignments a ON a.id = x.assignment_id
	JOIN solidarity_episodes e ON e.id = x.episode_id`

func scanEscalation(s scanner) (Escalation, error) {
	var x Escalation
	var hazard string
	var resolved sql.NullTime
	err := s.Scan(&x.ID, &x.AssignmentID, &x.EpisodeID, &hazard, &x.District, &x.Reason, &x.RaisedAt, &resolved,
		&x.Resolution, &x.VolunteerID, &x.Calls, &x.LastOutcome, &x.noteSealed)
	x.Hazard, x.RaisedAt = alerts.Hazard(hazard), x.RaisedAt.UTC()
	if resolved.Valid {
		t := resolved.Time.UTC()
		x.ResolvedAt = &t
	}
	return x, err
}

// urgency orders the waiting list: people needing help first.
const urgency = `CASE x.reason WHEN 'needs_help' THEN 0 WHEN 'unreached' THEN 1 WHEN 'withdrawn' THEN 2
	WHEN 'unmatched' THEN 3 ELSE 4 END`

// Waiting lists a page of the open escalations of open episodes, the most
// urgent and oldest first, with their total. With unmatchedOnly, only
// those of people nobody calls (for City staff).
func (s *Service) Waiting(ctx context.Context, a Actor, unmatchedOnly bool, limit, offset int) ([]Escalation, int, error) {
	if !isStaff(a) {
		return nil, 0, ErrForbidden
	}
	where := " WHERE x.resolved_at IS NULL AND e.ended_at IS NULL AND a.active = 1"
	if unmatchedOnly {
		where += " AND a.volunteer_id IS NULL"
	}
	var total int
	if err := s.DB.QueryRow(ctx, "SELECT COUNT(*)"+escalationFrom+where).Scan(&total); err != nil {
		return nil, 0, err
	}
	rows, err := s.DB.Query(ctx, "SELECT "+escalationColumns+escalationFrom+where+
		" ORDER BY "+urgency+", x.raised_at, x.id LIMIT ? OFFSET ?", limit, offset)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var out []Escalation
	for rows.Next() {
		x, err := scanEscalation(rows)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, x)
	}
	return out, total, rows.Err()
}

func getEscalation(ctx context.Context, q querier, id int64) (Escalation, error) {
	x, err := scanEscalation(q.QueryRow(ctx, "SELECT "+escalationColumns+escalationFrom+" WHERE x.id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return x, ErrNotFound
	}
	return x, err
}

// EscalationView is one escalation as a coordinator handles it.
type EscalationView struct {
	Escalation
	Assignment Assignment
	// Card is nil when the registration can no longer be read.
	Card *solidarity.Card
	// Help is the latest "what help" a volunteer wrote, HelpAt its time.
	Help   string
	HelpAt *time.Time
	// Note is the coordinator's note of a handled escalation.
	Note        string
	Calls       []Call
	Suggestions []Suggestion // volunteers who could take the person
}

// OpenEscalation shows an escalation of an open episode to a coordinator,
// with the person's card (an audited read for the "escalation" purpose),
// the sealed "what help" text and, while it waits, the volunteers it could
// be reassigned to.
func (s *Service) OpenEscalation(ctx context.Context, a Actor, id int64) (EscalationView, error) {
	if !isStaff(a) {
		return EscalationView{}, ErrForbidden
	}
	x, err := getEscalation(ctx, s.DB, id)
	if err != nil {
		return EscalationView{}, err
	}
	asg, err := getAssignment(ctx, s.DB, x.AssignmentID, false)
	if err != nil {
		return EscalationView{}, err
	}
	if !asg.EpisodeOpen {
		return EscalationView{}, ErrNotFound // after an episode, its report tells what happened
	}
	v := EscalationView{Escalation: x, Assignment: asg}
	if asg.PersonID != 0 {
		cards, err := s.Registry.Cards(ctx, solidarity.Reader{UserID: a.UserID, Role: a.Role, Purpose: "escalation",
			EpisodeID: asg.EpisodeID}, []int64{asg.PersonID})
		if err != nil {
			return v, err
		}
		if c, ok := cards[asg.PersonID]; ok {
			v.Card = &c
		}
	}
	if v.Help, v.HelpAt, err = s.latestHelp(ctx, asg.ID); err != nil {
		return v, err
	}
	if x.noteSealed != "" {
		if v.Note, err = s.Keys.OpenString(x.noteSealed, sealed.Place("solidarity_escalations", x.ID, "note")); err != nil {
			return v, err
		}
	}
	if v.Calls, err = s.calls(ctx, s.DB, asg.ID, 0); err != nil {
		return v, err
	}
	if x.Open() && asg.Active && asg.PersonID != 0 {
		if v.Suggestions, err = s.suggest(ctx, asg); err != nil {
			return v, err
		}
	}
	return v, nil
}

// latestHelp opens the latest "what help" text of an assignment.
func (s *Service) latestHelp(ctx context.Context, assignmentID int64) (string, *time.Time, error) {
	var callID int64
	var help string
	var at time.Time
	err := s.DB.QueryRow(ctx, `SELECT id, help_sealed, called_at FROM solidarity_calls WHERE assignment_id = ? AND help_sealed <> ''
		ORDER BY called_at DESC, id DESC LIMIT 1`, assignmentID).Scan(&callID, &help, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil, nil
	}
	if err != nil {
		return "", nil, err
	}
	text, err := s.Keys.OpenString(help, sealed.Place("solidarity_calls", callID, "help"))
	at = at.UTC()
	return text, &at, err
}
