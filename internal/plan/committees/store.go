package committees

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"strconv"
	"time"

	"climatevolunteers/internal/db"
)

type querier interface {
	rowQuerier
	Query(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

func nullable(id int64) any {
	if id <= 0 {
		return nil
	}
	return id
}

func nullString(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func insertCommittee(ctx context.Context, tx *db.Tx, v validCommittee, now time.Time) (int64, error) {
	var id int64
	err := tx.QueryRow(ctx, `INSERT INTO plan_committees (slug, name, description, theme_id, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?) RETURNING id`, v.Slug, v.Name, v.Description, nullable(v.theme), now, now).Scan(&id)
	return id, err
}

// updateCommittee saves v when the row is still at v.Version; false when not.
func updateCommittee(ctx context.Context, tx *db.Tx, id int64, v validCommittee, now time.Time) (bool, error) {
	res, err := tx.Exec(ctx, `UPDATE plan_committees SET slug = ?, name = ?, description = ?, theme_id = ?,
		version = version + 1, updated_at = ? WHERE id = ? AND version = ?`,
		v.Slug, v.Name, v.Description, nullable(v.theme), now, id, v.Version)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

func existsTx(ctx context.Context, tx *db.Tx, id int64) error {
	var n int
	if err := tx.QueryRow(ctx, "SELECT COUNT(*) FROM plan_committees WHERE id = ?", id).Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		return ErrNotFound
	}
	return nil
}

func insertMember(ctx context.Context, tx *db.Tx, committeeID, userID int64, in MemberInput, today string) error {
	_, err := tx.Exec(ctx, `INSERT INTO plan_committee_members (committee_id, user_id, name, kind, role, joined_on)
		VALUES (?, ?, ?, ?, ?, ?)`, committeeID, nullable(userID), in.Name, in.College, in.Role, today)
	return err
}

func insertMeeting(ctx context.Context, tx *db.Tx, committeeID, eventID int64, v validMeeting, now time.Time) (int64, error) {
	var id int64
	err := tx.QueryRow(ctx, `INSERT INTO plan_committee_meetings (committee_id, event_id, title, starts_at, ends_at, place, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`, committeeID, nullable(eventID), v.Title, v.starts, v.ends, v.place(), now).Scan(&id)
	return id, err
}

// updateMinutes saves the draft when the meeting is still at version;
// publishing also copies it to the public text and sets the date once.
func updateMinutes(ctx context.Context, tx *db.Tx, committeeID, meetingID int64, minutes string, publish bool, version int, now time.Time) (bool, error) {
	q := `UPDATE plan_committee_meetings SET minutes_draft = ?, version = version + 1
		WHERE id = ? AND committee_id = ? AND version = ?`
	args := []any{minutes, meetingID, committeeID, version}
	if publish {
		q = `UPDATE plan_committee_meetings SET minutes_draft = ?, minutes = ?, version = version + 1,
			minutes_published_at = COALESCE(minutes_published_at, ?) WHERE id = ? AND committee_id = ? AND version = ?`
		args = []any{minutes, minutes, now, meetingID, committeeID, version}
	}
	res, err := tx.Exec(ctx, q, args...)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// meetingMissingOrChanged tells why a versioned update touched no row.
func meetingMissingOrChanged(ctx context.Context, tx *db.Tx, committeeID, meetingID int64) error {
	var n int
	if err := tx.QueryRow(ctx, "SELECT COUNT(*) FROM plan_committee_meetings WHERE id = ? AND committee_id = ?",
		meetingID, committeeID).Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		return ErrNotFound
	}
	return ErrConflict
}

// actionByIdentifier finds a plan action (the actions part's table); 0 when
// there is none.
func actionByIdentifier(ctx context.Context, tx *db.Tx, identifier string) (int64, error) {
	var id int64
	err := tx.QueryRow(ctx, "SELECT id FROM plan_actions WHERE identifier = ?", identifier).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	return id, err
}

func insertDecision(ctx context.Context, tx *db.Tx, committeeID, actionID int64, in DecisionInput, now time.Time) (int64, error) {
	var id int64
	err := tx.QueryRow(ctx, `INSERT INTO plan_committee_decisions (committee_id, action_id, text, due_on, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?) RETURNING id`, committeeID, nullable(actionID), in.Text, nullString(in.DueOn), now, now).Scan(&id)
	return id, err
}

// decisionStatusTx reads a decision's status and version, locking the row.
func decisionStatusTx(ctx context.Context, tx *db.Tx, committeeID, decisionID int64) (string, int, error) {
	q := "SELECT status, version FROM plan_committee_decisions WHERE id = ? AND committee_id = ?"
	if tx.Engine() == db.Postgres {
		q += " FOR UPDATE"
	}
	var status string
	var version int
	err := tx.QueryRow(ctx, q, decisionID, committeeID).Scan(&status, &version)
	if errors.Is(err, sql.ErrNoRows) {
		return "", 0, ErrNotFound
	}
	return status, version, err
}

func insertFollowUp(ctx context.Context, tx *db.Tx, decisionID, authorID int64, previous string, in FollowUpInput, now time.Time) error {
	if _, err := tx.Exec(ctx, `INSERT INTO plan_decision_followups (decision_id, author_id, previous_status, status, note, created_at)
		VALUES (?, ?, ?, ?, ?, ?)`, decisionID, nullable(authorID), previous, in.Status, in.Note, now); err != nil {
		return err
	}
	if in.Status == previous { // a note alone: the status forms read stay valid
		_, err := tx.Exec(ctx, "UPDATE plan_committee_decisions SET updated_at = ? WHERE id = ?", now, decisionID)
		return err
	}
	_, err := tx.Exec(ctx, `UPDATE plan_committee_decisions SET status = ?, version = version + 1, updated_at = ? WHERE id = ?`,
		in.Status, now, decisionID)
	return err
}

// EraseMember takes a deleted account off every committee (the account
// row stays, anonymised; its follow-up notes stay without a name).
func EraseMember(ctx context.Context, tx *db.Tx, userID int64) error {
	_, err := tx.Exec(ctx, "DELETE FROM plan_committee_members WHERE user_id = ?", userID)
	return err
}

const committeeColumns = `c.id, c.slug, c.name, c.description, COALESCE(c.theme_id, 0), COALESCE(t.name, ''),
	c.version, c.created_at, c.updated_at`

const committeeFrom = ` FROM plan_committees c LEFT JOIN plan_themes t ON t.id = c.theme_id`

func scanCommittee(s interface{ Scan(...any) error }, c *Committee) error {
	return s.Scan(&c.ID, &c.Slug, &c.Name, &c.Description, &c.ThemeID, &c.ThemeName, &c.Version, &c.CreatedAt, &c.UpdatedAt)
}

func (s *Service) committee(ctx context.Context, q rowQuerier, id int64) (Committee, error) {
	var c Committee
	err := scanCommittee(q.QueryRow(ctx, "SELECT "+committeeColumns+committeeFrom+" WHERE c.id = ?", id), &c)
	if errors.Is(err, sql.ErrNoRows) {
		return c, ErrNotFound
	}
	return c, err
}

// Get reads one committee.
func (s *Service) Get(ctx context.Context, id int64) (Committee, error) {
	return s.committee(ctx, s.DB, id)
}

// ByRef reads a committee by its slug or its id.
func (s *Service) ByRef(ctx context.Context, ref string) (Committee, error) {
	if id, err := strconv.ParseInt(ref, 10, 64); err == nil {
		return s.committee(ctx, s.DB, id)
	}
	var c Committee
	err := scanCommittee(s.DB.QueryRow(ctx, "SELECT "+committeeColumns+committeeFrom+" WHERE c.slug = ?", ref), &c)
	if errors.Is(err, sql.ErrNoRows) {
		return c, ErrNotFound
	}
	return c, err
}

// List gives every committee with its member count, next meeting after now
// and open decisions, by name.
func (s *Service) List(ctx context.Context, now time.Time) ([]Summary, error) {
	rows, err := s.DB.Query(ctx, "SELECT "+committeeColumns+`,
		(SELECT COUNT(*) FROM plan_committee_members m WHERE m.committee_id = c.id),
		(SELECT COUNT(*) FROM plan_committee_decisions d WHERE d.committee_id = c.id AND d.status IN ('open', 'in_progress'))`+
		committeeFrom+" ORDER BY c.name, c.id")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Summary
	for rows.Next() {
		var sm Summary
		if err := rows.Scan(&sm.ID, &sm.Slug, &sm.Name, &sm.Description, &sm.ThemeID, &sm.ThemeName, &sm.Version,
			&sm.CreatedAt, &sm.UpdatedAt, &sm.Members, &sm.OpenDecisions); err != nil {
			return nil, err
		}
		out = append(out, sm)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	// The next meetings in one query: the first upcoming start by committee.
	next, err := s.DB.Query(ctx, `SELECT committee_id, starts_at FROM plan_committee_meetings WHERE starts_at >= ?
		ORDER BY starts_at`, now)
	if err != nil {
		return nil, err
	}
	defer next.Close()
	for next.Next() {
		var id int64
		var at time.Time
		if err := next.Scan(&id, &at); err != nil {
			return nil, err
		}
		for i := range out {
			if out[i].ID == id && out[i].NextMeeting == nil {
				at := at.UTC()
				out[i].NextMeeting = &at
			}
		}
	}
	return out, next.Err()
}

// Members lists a committee's members by college, then name, each account's
// name as viewer may read it (empty otherwise).
func (s *Service) Members(ctx context.Context, committeeID int64, viewer Actor) ([]Member, error) {
	rows, err := s.DB.Query(ctx, `SELECT id, committee_id, COALESCE(user_id, 0), name, kind, role, joined_on
		FROM plan_committee_members WHERE committee_id = ? ORDER BY id`, committeeID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Member
	var ids []int64
	for rows.Next() {
		var m Member
		if err := rows.Scan(&m.ID, &m.CommitteeID, &m.UserID, &m.Name, &m.College, &m.Role, &m.JoinedOn); err != nil {
			return nil, err
		}
		if m.UserID > 0 {
			ids = append(ids, m.UserID)
		}
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	people, err := s.People.Names(ctx, ids)
	if err != nil {
		return nil, err
	}
	for i := range out {
		if id := out[i].UserID; id > 0 {
			out[i].Name = ""
			if p := people[id]; mayName(viewer, id, p) {
				out[i].Name = p.Name
			}
		}
	}
	slices.SortStableFunc(out, func(a, b Member) int {
		if d := slices.Index(Colleges, a.College) - slices.Index(Colleges, b.College); d != 0 {
			return d
		}
		return compareFold(a.Name, b.Name)
	})
	return out, nil
}

// Meetings lists a committee's meetings, latest first.
func (s *Service) Meetings(ctx context.Context, committeeID int64) ([]Meeting, error) {
	rows, err := s.DB.Query(ctx, `SELECT id, committee_id, COALESCE(event_id, 0), title, starts_at, ends_at, place, minutes,
		minutes_draft, minutes_published_at, version FROM plan_committee_meetings WHERE committee_id = ? ORDER BY starts_at DESC, id DESC`, committeeID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Meeting
	for rows.Next() {
		var m Meeting
		if err := rows.Scan(&m.ID, &m.CommitteeID, &m.EventID, &m.Title, &m.StartsAt, &m.EndsAt, &m.Place, &m.Minutes,
			&m.Draft, &m.MinutesPublishedAt, &m.Version); err != nil {
			return nil, err
		}
		m.StartsAt, m.EndsAt = m.StartsAt.UTC(), m.EndsAt.UTC()
		out = append(out, m)
	}
	return out, rows.Err()
}

// Decisions lists a committee's decisions, latest first, each with its
// follow-up in order.
func (s *Service) Decisions(ctx context.Context, committeeID int64, viewer Actor) ([]Decision, error) {
	rows, err := s.DB.Query(ctx, `SELECT d.id, d.committee_id, COALESCE(d.action_id, 0), COALESCE(a.identifier, ''),
		COALESCE(a.title, ''), d.text, d.status, COALESCE(d.due_on, ''), d.version, d.created_at
		FROM plan_committee_decisions d LEFT JOIN plan_actions a ON a.id = d.action_id
		WHERE d.committee_id = ? ORDER BY d.created_at DESC, d.id DESC`, committeeID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Decision
	for rows.Next() {
		var d Decision
		if err := rows.Scan(&d.ID, &d.CommitteeID, &d.ActionID, &d.ActionIdentifier, &d.ActionTitle, &d.Text, &d.Status,
			&d.DueOn, &d.Version, &d.CreatedAt); err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	fr, err := s.DB.Query(ctx, `SELECT f.id, f.decision_id, COALESCE(f.author_id, 0), f.previous_status, f.status, f.note, f.created_at
		FROM plan_decision_followups f JOIN plan_committee_decisions d ON d.id = f.decision_id
		WHERE d.committee_id = ? ORDER BY f.created_at, f.id`, committeeID)
	if err != nil {
		return nil, err
	}
	defer fr.Close()
	var authors []int64
	byID := map[int64]int{}
	for i, d := range out {
		byID[d.ID] = i
	}
	for fr.Next() {
		var f FollowUp
		if err := fr.Scan(&f.ID, &f.DecisionID, &f.AuthorID, &f.PreviousStatus, &f.Status, &f.Note, &f.CreatedAt); err != nil {
			return nil, err
		}
		if f.AuthorID > 0 {
			authors = append(authors, f.AuthorID)
		}
		if i, ok := byID[f.DecisionID]; ok {
			out[i].FollowUps = append(out[i].FollowUps, f)
		}
	}
	if err := fr.Err(); err != nil {
		return nil, err
	}
	people, err := s.People.Names(ctx, authors)
	if err != nil {
		return nil, err
	}
	for i := range out {
		for j := range out[i].FollowUps {
			f := &out[i].FollowUps[j]
			if p := people[f.AuthorID]; f.AuthorID > 0 && mayName(viewer, f.AuthorID, p) {
				f.AuthorName = p.Name
			}
		}
	}
	return out, nil
}

// Theme is a plan theme for the committee form.
type Theme struct {
	ID   int64
	Name string
}

// Themes lists the plan's themes (the actions part's table), by name.
func (s *Service) Themes(ctx context.Context) ([]Theme, error) {
	rows, err := s.DB.Query(ctx, "SELECT id, name FROM plan_themes ORDER BY name, id")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Theme
	for rows.Next() {
		var t Theme
		if err := rows.Scan(&t.ID, &t.Name); err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}
