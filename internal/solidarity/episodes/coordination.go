package episodes

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"climatevolunteers/internal/audit"
	"climatevolunteers/internal/db"
)

// Coordination: the open episodes, the call intervals per level, and the
// end of an episode.

// EpisodeSummary is an open episode with its counts.
type EpisodeSummary struct {
	Episode
	Assigned  int // active people with a volunteer
	Unmatched int // active people nobody calls but City staff
	Waiting   int // open escalations
}

// Overview is the coordinators' page.
type Overview struct {
	Episodes []EpisodeSummary
	Hours    map[int]int // call interval per level, in hours
}

// Overview reads the open episodes and the call intervals.
func (s *Service) Overview(ctx context.Context, a Actor) (Overview, error) {
	if !isStaff(a) {
		return Overview{}, ErrForbidden
	}
	eps, err := openEpisodes(ctx, s.DB)
	if err != nil {
		return Overview{}, err
	}
	o := Overview{Hours: map[int]int{}}
	for _, e := range eps {
		es := EpisodeSummary{Episode: e}
		if err := s.DB.QueryRow(ctx, `SELECT
			COALESCE(SUM(CASE WHEN active = 1 AND volunteer_id IS NOT NULL THEN 1 ELSE 0 END), 0),
			COALESCE(SUM(CASE WHEN active = 1 AND volunteer_id IS NULL THEN 1 ELSE 0 END), 0)
			FROM solidarity_assignments WHERE episode_id = ? AND person_id IS NOT NULL`, e.ID).Scan(&es.Assigned, &es.Unmatched); err != nil {
			return Overview{}, err
		}
		if err := s.DB.QueryRow(ctx, "SELECT COUNT(*) FROM solidarity_escalations WHERE episode_id = ? AND resolved_at IS NULL",
			e.ID).Scan(&es.Waiting); err != nil {
			return Overview{}, err
		}
		o.Episodes = append(o.Episodes, es)
	}
	iv, err := intervals(ctx, s.DB)
	if err != nil {
		return Overview{}, err
	}
	for _, level := range Levels {
		o.Hours[level] = int(interval(iv, level).Hours())
	}
	return o, nil
}

// Levels are the alert levels that start an episode, each with its call
// interval.
var Levels = []int{3, 4}

// IntervalsInput is the intervals form: hours per level as typed, and the
// hours the form was read with (Was), to refuse a stale form.
type IntervalsInput struct {
	Hours map[int]string
	Was   map[int]int
}

// HoursField names a level's field in the form.
func HoursField(level int) string { return "hours" + strconv.Itoa(level) }

// SetIntervals changes the call interval of each level (MinHours to
// MaxHours). The next call of every active person at a changed level is
// moved accordingly. A form read before another coordinator's change gets
// ErrConflict.
func (s *Service) SetIntervals(ctx context.Context, a Actor, in IntervalsInput) ([]FieldError, error) {
	if !isStaff(a) {
		return nil, ErrForbidden
	}
	hours := map[int]int{}
	var errs []FieldError
	for _, level := range Levels {
		h, err := strconv.Atoi(strings.TrimSpace(in.Hours[level]))
		if err != nil || h < MinHours || h > MaxHours {
			errs = append(errs, FieldError{Field: HoursField(level), Key: "episodes.error.hours", Args: []any{MinHours, MaxHours}})
			continue
		}
		hours[level] = h
	}
	if len(errs) > 0 {
		return errs, nil
	}
	return nil, s.DB.Tx(ctx, func(tx *db.Tx) error {
		iv, err := intervals(ctx, tx)
		if err != nil {
			return err
		}
		var changes []string
		var changed []int
		for _, level := range Levels {
			cur := int(interval(iv, level).Hours())
			if cur != in.Was[level] {
				return ErrConflict
			}
			if cur == hours[level] {
				continue
			}
			if _, err := tx.Exec(ctx, "UPDATE solidarity_call_intervals SET hours = ?, updated_by = ?, updated_at = ? WHERE level = ?",
				hours[level], a.UserID, s.now(), level); err != nil {
				return err
			}
			changes = append(changes, fmt.Sprintf("level %d: %d -> %d h", level, cur, hours[level]))
			changed = append(changed, level)
		}
		if len(changes) == 0 {
			return nil
		}
		eps, err := openEpisodes(ctx, tx)
		if err != nil {
			return err
		}
		var ids []int64
		for _, e := range eps {
			ids = append(ids, e.ID)
			for _, d := range e.Districts {
				if d.RemovedAt == nil && slices.Contains(changed, d.Level) {
					if err := rescheduleDistrict(ctx, tx, e.ID, d.Code, time.Duration(hours[d.Level])*time.Hour); err != nil {
						return err
					}
				}
			}
		}
		s.changed(tx, ids...)
		return audit.Record(ctx, tx, audit.Entry{ActorID: a.UserID, Action: audit.ActionSolidarityIntervalsSet,
			TargetType: "solidarity_call_intervals", Detail: strings.Join(changes, "; ")})
	})
}

// EndEpisode ends an open episode at a coordinator's request: its people
// are no longer called and its escalations close. It does not lower the
// alert; Sync opens no new episode of the hazard until its levels change
// again.
func (s *Service) EndEpisode(ctx context.Context, a Actor, id int64) error {
	if !isStaff(a) {
		return ErrForbidden
	}
	return s.DB.Tx(ctx, func(tx *db.Tx) error {
		if err := lockAssignments(ctx, tx); err != nil {
			return err
		}
		var ended sql.NullTime
		q := "SELECT ended_at FROM solidarity_episodes WHERE id = ?"
		if tx.Engine() == db.Postgres {
			q += " FOR UPDATE"
		}
		err := tx.QueryRow(ctx, q, id).Scan(&ended)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		if ended.Valid {
			return ErrConflict
		}
		if err := s.endEpisodeTx(ctx, tx, id, a.UserID, s.now(), "ended by a coordinator"); err != nil {
			return err
		}
		s.changed(tx, id)
		return nil
	})
}
