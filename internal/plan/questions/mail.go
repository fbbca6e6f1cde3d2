package questions

import (
	"context"
	"strconv"

	"climatevolunteers/internal/db"
	"climatevolunteers/internal/outbox"
)

// mailFollowers queues the news of an official answer to every follower of
// the question except except (who answered), each in their language. The
// key is per answer and follower: a retried transaction queues nothing twice.
func (s *Service) mailFollowers(ctx context.Context, tx *db.Tx, q Question, answerID int64, department string, except int64) error {
	ids, err := followerIDs(ctx, tx, q.ID, except)
	if err != nil || len(ids) == 0 || s.People == nil {
		return err
	}
	contacts, err := s.People.Contacts(ctx, ids)
	if err != nil {
		return err
	}
	link := s.BaseURL + "/plan/questions/" + strconv.FormatInt(q.ID, 10)
	queued := false
	for _, c := range contacts {
		if c.Email == "" {
			continue
		}
		m, err := s.mails.Render("answer_posted", c.Lang, map[string]string{"Name": c.Name, "Title": q.Title,
			"Action": q.Action.Identifier + " " + q.Action.Title, "Department": department, "Link": link})
		if err != nil {
			return err
		}
		m.To = c.Email
		key := "plan-answer:" + strconv.FormatInt(answerID, 10) + ":" + strconv.FormatInt(c.UserID, 10)
		if _, _, err := outbox.EnqueueEmail(ctx, tx, key, m); err != nil {
			return err
		}
		queued = true
	}
	if queued && s.Notify != nil {
		tx.AfterCommit(s.Notify)
	}
	return nil
}
