package monitor

import (
	"context"

	"climatevolunteers/internal/db"
)

// reportCounts are the raw figures of an episode's report.
type reportCounts struct {
	Assignments []reportAssign // by district code
	Calls       []reportCalls
	Escalations []escalationCount // every escalation raised, resolved or not
	Volunteers  []districtCount
	// TotalVolunteers counts each volunteer once over the whole episode.
	TotalVolunteers int
	// FirstCalls are, per person called since their latest assignment,
	// the seconds from it to the first call after it.
	FirstCalls []firstCall
}

type reportAssign struct {
	Code            string
	People, Matched int
}

type reportCalls struct {
	Code                    string
	Calls, Fine, NeededHelp int
}

type firstCall struct {
	Code    string
	Seconds int64
}

// volunteersInvolved are the volunteers an episode's people are assigned
// to, and those who recorded a call (they may since have been replaced).
const volunteersInvolved = `SELECT district_code, volunteer_id FROM solidarity_assignments
	WHERE episode_id = ? AND volunteer_id IS NOT NULL
	UNION SELECT a.district_code, c.volunteer_id FROM solidarity_calls c
	JOIN solidarity_assignments a ON a.id = c.assignment_id WHERE c.episode_id = ? AND c.volunteer_id IS NOT NULL`

// firstCallSeconds is the time from an assignment to its first call after
// it, in whole seconds; the engines differ in date arithmetic.
func firstCallSeconds(e db.Engine) string {
	if e == db.Postgres {
		return "CAST(EXTRACT(EPOCH FROM (MIN(c.called_at) - a.assigned_at)) AS BIGINT)"
	}
	return "CAST(ROUND((julianday(MIN(c.called_at)) - julianday(a.assigned_at)) * 86400.0) AS INTEGER)"
}

// ReportCounts counts everything an episode's report shows, by district.
// People in scope are all the episode's assignments, active or not.
func (s *Store) ReportCounts(ctx context.Context, episodeID int64) (reportCounts, error) {
	var c reportCounts
	rows, err := s.db.Query(ctx, `SELECT district_code, COUNT(*), SUM(CASE WHEN volunteer_id IS NOT NULL THEN 1 ELSE 0 END)
		FROM solidarity_assignments WHERE episode_id = ? GROUP BY district_code ORDER BY district_code`, episodeID)
	if err != nil {
		return c, err
	}
	defer rows.Close()
	for rows.Next() {
		var a reportAssign
		if err := rows.Scan(&a.Code, &a.People, &a.Matched); err != nil {
			return c, err
		}
		c.Assignments = append(c.Assignments, a)
	}
	if err := rows.Err(); err != nil {
		return c, err
	}
	rows.Close()

	// People who were fine (or needed help) at least once: one person may
	// count in both, having needed help and later been fine.
	rows, err = s.db.Query(ctx, `SELECT a.district_code, COUNT(*),
		COUNT(DISTINCT CASE WHEN c.outcome = 'fine' THEN c.assignment_id END),
		COUNT(DISTINCT CASE WHEN c.outcome = 'needs_help' THEN c.assignment_id END)
		FROM solidarity_calls c JOIN solidarity_assignments a ON a.id = c.assignment_id
		WHERE c.episode_id = ? GROUP BY a.district_code ORDER BY a.district_code`, episodeID)
	if err != nil {
		return c, err
	}
	defer rows.Close()
	for rows.Next() {
		var x reportCalls
		if err := rows.Scan(&x.Code, &x.Calls, &x.Fine, &x.NeededHelp); err != nil {
			return c, err
		}
		c.Calls = append(c.Calls, x)
	}
	if err := rows.Err(); err != nil {
		return c, err
	}
	rows.Close()

	rows, err = s.db.Query(ctx, `SELECT district_code, reason, COUNT(*) FROM solidarity_escalations
		WHERE episode_id = ? GROUP BY district_code, reason ORDER BY district_code, reason`, episodeID)
	if err != nil {
		return c, err
	}
	defer rows.Close()
	for rows.Next() {
		var e escalationCount
		if err := rows.Scan(&e.Code, &e.Reason, &e.Count); err != nil {
			return c, err
		}
		c.Escalations = append(c.Escalations, e)
	}
	if err := rows.Err(); err != nil {
		return c, err
	}
	rows.Close()

	if c.Volunteers, err = s.districtCounts(ctx, `SELECT district_code, COUNT(DISTINCT volunteer_id)
		FROM (`+volunteersInvolved+`) v GROUP BY district_code ORDER BY district_code`, episodeID, episodeID); err != nil {
		return c, err
	}
	if err := s.db.QueryRow(ctx, `SELECT COUNT(DISTINCT volunteer_id) FROM (`+volunteersInvolved+`) v`,
		episodeID, episodeID).Scan(&c.TotalVolunteers); err != nil {
		return c, err
	}

	// assigned_at is the latest assignment: a reassignment resets it, and
	// the tables keep no earlier one. Calls before it were another
	// volunteer's (or City staff's) and do not count.
	rows, err = s.db.Query(ctx, `SELECT a.district_code, `+firstCallSeconds(s.db.Engine)+`
		FROM solidarity_assignments a JOIN solidarity_calls c ON c.assignment_id = a.id AND c.called_at >= a.assigned_at
		WHERE a.episode_id = ? GROUP BY a.id, a.district_code, a.assigned_at`, episodeID)
	if err != nil {
		return c, err
	}
	defer rows.Close()
	for rows.Next() {
		var f firstCall
		if err := rows.Scan(&f.Code, &f.Seconds); err != nil {
			return c, err
		}
		c.FirstCalls = append(c.FirstCalls, f)
	}
	return c, rows.Err()
}
