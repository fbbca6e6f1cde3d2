package questions

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"time"

	"climatevolunteers/internal/db"
)

// SQL of the part. Within the plan feature the actions' tables are read
// directly (same schema).

type querier interface {
	Query(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRow(ctx context.Context, query string, args ...any) *sql.Row
}

type scanner interface{ Scan(dest ...any) error }

const questionColumns = `q.id, q.action_id, a.identifier, a.title, COALESCE(q.author_id, 0), q.title, q.body,
	q.answered_at, q.hidden_at, q.hidden_reason, q.created_at,
	(SELECT COUNT(*) FROM plan_question_followers f WHERE f.question_id = q.id)`

const questionFrom = ` FROM plan_questions q JOIN plan_actions a ON a.id = q.action_id`

func scanQuestion(s scanner) (Question, error) {
	var q Question
	var answered, hidden sql.NullTime
	err := s.Scan(&q.ID, &q.Action.ID, &q.Action.Identifier, &q.Action.Title, &q.AuthorID, &q.Title, &q.Body,
		&answered, &hidden, &q.HiddenReason, &q.CreatedAt, &q.Followers)
	q.CreatedAt = q.CreatedAt.UTC()
	q.AnsweredAt, q.HiddenAt = utcPtr(answered), utcPtr(hidden)
	return q, err
}

func utcPtr(t sql.NullTime) *time.Time {
	if !t.Valid {
		return nil
	}
	u := t.Time.UTC()
	return &u
}

func collectQuestions(ctx context.Context, q querier, query string, args ...any) ([]Question, error) {
	rows, err := q.Query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Question
	for rows.Next() {
		qu, err := scanQuestion(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, qu)
	}
	return out, rows.Err()
}

func getQuestion(ctx context.Context, q querier, id int64) (Question, error) {
	qu, err := scanQuestion(q.QueryRow(ctx, "SELECT "+questionColumns+questionFrom+" WHERE q.id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return Question{}, ErrNotFound
	}
	return qu, err
}

func getAction(ctx context.Context, q querier, id int64) (ActionRef, error) {
	a := ActionRef{ID: id}
	err := q.QueryRow(ctx, "SELECT identifier, title FROM plan_actions WHERE id = ?", id).Scan(&a.Identifier, &a.Title)
	if errors.Is(err, sql.ErrNoRows) {
		return ActionRef{}, ErrNotFound
	}
	return a, err
}

// departments lists the action's responsible City departments in order.
func departments(ctx context.Context, q querier, actionID int64) ([]string, error) {
	rows, err := q.Query(ctx, `SELECT name FROM plan_action_responsibles WHERE action_id = ? AND kind = 'department'
		ORDER BY position, name`, actionID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, rows.Err()
}

// whereFilter is the condition of a list; hidden questions only show under
// FilterHidden, which callers allow to staff and moderators.
func whereFilter(f Filter) string {
	switch f {
	case FilterAnswered:
		return " WHERE q.hidden_at IS NULL AND q.answered_at IS NOT NULL"
	case FilterUnanswered:
		return " WHERE q.hidden_at IS NULL AND q.answered_at IS NULL"
	case FilterHidden:
		return " WHERE q.hidden_at IS NOT NULL"
	}
	return " WHERE q.hidden_at IS NULL"
}

// listQuestions reads a page of a list; unansweredFirst is the staff's order.
func listQuestions(ctx context.Context, d *db.DB, f Filter, unansweredFirst bool, offset int) ([]Question, int, error) {
	where := whereFilter(f)
	var total int
	if err := d.QueryRow(ctx, "SELECT COUNT(*) FROM plan_questions q"+where).Scan(&total); err != nil {
		return nil, 0, err
	}
	order := " ORDER BY q.created_at DESC, q.id DESC"
	if unansweredFirst {
		order = " ORDER BY CASE WHEN q.answered_at IS NULL THEN 0 ELSE 1 END, q.created_at DESC, q.id DESC"
	}
	list, err := collectQuestions(ctx, d, "SELECT "+questionColumns+questionFrom+where+order+
		" LIMIT "+strconv.Itoa(PageSize)+" OFFSET "+strconv.Itoa(offset))
	return list, total, err
}

func actionQuestions(ctx context.Context, d *db.DB, actionID int64, withHidden bool) ([]Question, error) {
	cond := " AND q.hidden_at IS NULL"
	if withHidden {
		cond = ""
	}
	return collectQuestions(ctx, d, "SELECT "+questionColumns+questionFrom+" WHERE q.action_id = ?"+cond+
		" ORDER BY q.created_at DESC, q.id DESC", actionID)
}

// answersOf reads every answer version of the questions, oldest first.
func answersOf(ctx context.Context, q querier, ids []int64) (map[int64][]Answer, error) {
	out := map[int64][]Answer{}
	if len(ids) == 0 {
		return out, nil
	}
	in := ""
	for i, id := range ids {
		if i > 0 {
			in += ","
		}
		in += strconv.FormatInt(id, 10)
	}
	rows, err := q.Query(ctx, `SELECT id, question_id, department, official, body, COALESCE(supersedes_id, 0), superseded_at, created_at
		FROM plan_answers WHERE question_id IN (`+in+`) ORDER BY created_at, id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var a Answer
		var sup sql.NullTime
		if err := rows.Scan(&a.ID, &a.QuestionID, &a.Department, &a.Official, &a.Body, &a.SupersedesID, &sup, &a.CreatedAt); err != nil {
			return nil, err
		}
		a.CreatedAt, a.SupersededAt = a.CreatedAt.UTC(), utcPtr(sup)
		out[a.QuestionID] = append(out[a.QuestionID], a)
	}
	return out, rows.Err()
}

func insertQuestion(ctx context.Context, tx *db.Tx, actionID, author int64, in AskInput, now time.Time) (int64, error) {
	var id int64
	err := tx.QueryRow(ctx, `INSERT INTO plan_questions (action_id, author_id, title, body, created_at)
		VALUES (?, ?, ?, ?, ?) RETURNING id`, actionID, author, in.Title, in.Body, now).Scan(&id)
	return id, err
}

func follow(ctx context.Context, tx *db.Tx, questionID, userID int64, now time.Time) error {
	_, err := tx.Exec(ctx, `INSERT INTO plan_question_followers (question_id, user_id, created_at) VALUES (?, ?, ?)
		ON CONFLICT (question_id, user_id) DO NOTHING`, questionID, userID, now)
	return err
}

func unfollow(ctx context.Context, tx *db.Tx, questionID, userID int64) error {
	_, err := tx.Exec(ctx, "DELETE FROM plan_question_followers WHERE question_id = ? AND user_id = ?", questionID, userID)
	return err
}

func following(ctx context.Context, d *db.DB, questionID, userID int64) (bool, error) {
	var n int
	err := d.QueryRow(ctx, "SELECT COUNT(*) FROM plan_question_followers WHERE question_id = ? AND user_id = ?",
		questionID, userID).Scan(&n)
	return n > 0, err
}

func followerIDs(ctx context.Context, tx *db.Tx, questionID, except int64) ([]int64, error) {
	rows, err := tx.Query(ctx, "SELECT user_id FROM plan_question_followers WHERE question_id = ? AND user_id <> ? ORDER BY user_id",
		questionID, except)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// supersede marks the answer version replaced; false when it is not a
// current official answer of the question any more (someone edited it first).
func supersede(ctx context.Context, tx *db.Tx, questionID, answerID int64, now time.Time) (bool, error) {
	res, err := tx.Exec(ctx, `UPDATE plan_answers SET superseded_at = ?
		WHERE id = ? AND question_id = ? AND superseded_at IS NULL`, now, answerID, questionID)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// currentAnswers counts a department's current answers to a question.
func currentAnswers(ctx context.Context, tx *db.Tx, questionID int64, department string) (int, error) {
	var n int
	err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM plan_answers WHERE question_id = ? AND department = ?
		AND superseded_at IS NULL`, questionID, department).Scan(&n)
	return n, err
}

func insertAnswer(ctx context.Context, tx *db.Tx, questionID, author int64, in AnswerInput, now time.Time) (int64, error) {
	var supersedes any
	if in.Replaces != 0 {
		supersedes = in.Replaces
	}
	var id int64
	err := tx.QueryRow(ctx, `INSERT INTO plan_answers (question_id, author_id, department, official, body, supersedes_id, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`, questionID, author, in.Department, true, in.Body, supersedes, now).Scan(&id)
	if err != nil {
		return 0, err
	}
	_, err = tx.Exec(ctx, "UPDATE plan_questions SET answered_at = COALESCE(answered_at, ?) WHERE id = ?", now, questionID)
	return id, err
}

// hide marks the question hidden; false when it already was.
func hide(ctx context.Context, tx *db.Tx, questionID, by int64, reason string, now time.Time) (bool, error) {
	res, err := tx.Exec(ctx, `UPDATE plan_questions SET hidden_at = ?, hidden_by = ?, hidden_reason = ?
		WHERE id = ? AND hidden_at IS NULL`, now, by, reason, questionID)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

func countVisible(ctx context.Context, d *db.DB, actionID int64) (int, error) {
	var n int
	err := d.QueryRow(ctx, "SELECT COUNT(*) FROM plan_questions WHERE action_id = ? AND hidden_at IS NULL", actionID).Scan(&n)
	return n, err
}

// hiddenLocked reads whether a question is hidden, holding its row until the
// transaction ends (NO KEY UPDATE: its answers' foreign keys hold KEY SHARE).
func hiddenLocked(ctx context.Context, tx *db.Tx, questionID int64) (bool, error) {
	q := "SELECT hidden_at IS NOT NULL FROM plan_questions WHERE id = ?"
	if tx.Engine() == db.Postgres {
		q += " FOR NO KEY UPDATE"
	}
	var hidden bool
	err := tx.QueryRow(ctx, q, questionID).Scan(&hidden)
	if errors.Is(err, sql.ErrNoRows) {
		return false, ErrNotFound
	}
	return hidden, err
}

// answerDepartment is the department of one of the question's answers.
func answerDepartment(ctx context.Context, tx *db.Tx, questionID, answerID int64) (string, error) {
	var dep string
	err := tx.QueryRow(ctx, "SELECT department FROM plan_answers WHERE id = ? AND question_id = ?", answerID, questionID).Scan(&dep)
	if errors.Is(err, sql.ErrNoRows) {
		return "", ErrNotFound
	}
	return dep, err
}

// unhide makes a hidden question public again; false when it was not hidden.
func unhide(ctx context.Context, tx *db.Tx, questionID int64) (bool, error) {
	res, err := tx.Exec(ctx, `UPDATE plan_questions SET hidden_at = NULL, hidden_by = NULL, hidden_reason = ''
		WHERE id = ? AND hidden_at IS NOT NULL`, questionID)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// answerRef is a current answer with its author, for followers' mails.
type answerRef struct {
	ID         int64
	Department string
	Author     int64 // 0 when the account is gone
}

// answersFirstGivenSince lists a question's current answers whose
// department first answered at or after since: the answers given while the
// question was hidden, of which followers were never told.
func answersFirstGivenSince(ctx context.Context, tx *db.Tx, questionID int64, since time.Time) ([]answerRef, error) {
	rows, err := tx.Query(ctx, `SELECT a.id, a.department, COALESCE(a.author_id, 0) FROM plan_answers a
		WHERE a.question_id = ? AND a.superseded_at IS NULL AND NOT EXISTS (SELECT 1 FROM plan_answers b
			WHERE b.question_id = a.question_id AND b.department = a.department AND b.created_at < ?)
		ORDER BY a.created_at, a.id`, questionID, since)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []answerRef
	for rows.Next() {
		var a answerRef
		if err := rows.Scan(&a.ID, &a.Department, &a.Author); err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}
