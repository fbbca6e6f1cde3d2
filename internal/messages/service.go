package messages

import (
	"context"
	"errors"
	"strconv"
	"time"

	"climatevolunteers/internal/db"
	"climatevolunteers/internal/outbox"
	"climatevolunteers/internal/volunteers"
)

// ErrNobody means the segment selects no volunteer: nothing to send.
var ErrNobody = errors.New("messages: the segment selects nobody")

// Deps are what the feature needs from the rest of the platform.
type Deps struct {
	DB        *db.DB
	Audience  Audience
	Consents  Consents
	Skills    Skills
	Districts Districts
	BaseURL   string // public address that links in mails and SMS point to
	Notify    func() // wakes the outbox worker after a send; may be nil
}

// Service is the feature's logic.
type Service struct {
	Deps
	store *Store
	mails *outbox.MailTemplates
	unsub *unsubscriber
}

// NewService checks the mail templates and builds the service.
func NewService(deps Deps) (*Service, error) {
	m, err := outbox.NewMailTemplates(templates, "templates/mail")
	if err != nil {
		return nil, err
	}
	return &Service{Deps: deps, store: NewStore(deps.DB), mails: m, unsub: &unsubscriber{db: deps.DB}}, nil
}

// Store exposes reads.
func (s *Service) Store() *Store { return s.store }

// Check normalises d and validates it against the known districts and
// skills; field errors are for the form.
func (s *Service) Check(ctx context.Context, d *Draft) ([]FieldError, error) {
	d.Normalise()
	districts, skills := map[string]bool{}, map[string]bool{}
	ds, err := s.Districts.List(ctx)
	if err != nil {
		return nil, err
	}
	for _, x := range ds {
		districts[x.Code] = true
	}
	ks, err := s.Skills.Skills(ctx, true)
	if err != nil {
		return nil, err
	}
	for _, k := range ks {
		skills[k.Code] = true
	}
	return d.Validate(func(c string) bool { return districts[c] }, func(c string) bool { return skills[c] }), nil
}

// Preview counts whom a segment reaches and how, sending nothing.
func (s *Service) Preview(ctx context.Context, seg Segment) (Counts, error) {
	rs, err := s.Audience.Recipients(ctx, seg.Filter())
	return count(rs), err
}

// Sent is the outcome of a send.
type Sent struct {
	ID        int64
	Counts    Counts
	Duplicate bool // the same message had just been sent: nothing new went out
}

// duplicateWindow is how long an identical message from the same author is
// taken for a second click or a replayed form rather than a new message.
const duplicateWindow = 10 * time.Minute

// Send writes, in one transaction, the message, one inbox copy per
// recipient, a mail for each recipient who consented to email and an SMS for
// each who consented to SMS. The draft must have passed Check.
func (s *Service) Send(ctx context.Context, d Draft) (Sent, error) {
	d.Normalise() // idempotent: what is stored is what Check measured
	rs, err := s.Audience.Recipients(ctx, d.Segment.Filter())
	if err != nil {
		return Sent{}, err
	}
	out := Sent{Counts: count(rs)}
	if out.Counts.Recipients == 0 {
		return out, ErrNobody
	}
	// Everything that does not need the message's id is prepared before the
	// transaction, which on SQLite holds the only writer.
	mails, err := s.prepareMails(ctx, d, rs)
	if err != nil {
		return out, err
	}
	users := make([]int64, len(rs))
	for i, r := range rs {
		users[i] = r.UserID
	}
	err = s.DB.Tx(ctx, func(tx *db.Tx) error {
		now := db.Now()
		dup, err := recentDuplicate(ctx, tx, d, now.Add(-duplicateWindow))
		if err != nil || dup > 0 {
			out.ID, out.Duplicate = dup, dup > 0
			return err
		}
		id, err := insertMessage(ctx, tx, d, out.Counts, now)
		if err != nil {
			return err
		}
		out.ID = id
		if err := insertInbox(ctx, tx, id, users); err != nil {
			return err
		}
		if _, err := outbox.EnqueueMany(ctx, tx, s.jobs(id, d, rs, mails)); err != nil {
			return err
		}
		if s.Notify != nil {
			tx.AfterCommit(s.Notify)
		}
		return nil
	})
	return out, err
}

// jobs builds the outbox jobs of message id: its keys make a replayed send
// of the same message a no-op.
func (s *Service) jobs(id int64, d Draft, rs []volunteers.Recipient, mails *preparedMails) []outbox.Job {
	link := s.BaseURL + "/inbox/" + strconv.FormatInt(id, 10)
	prefix := "message:" + strconv.FormatInt(id, 10) + ":"
	jobs := make([]outbox.Job, 0, len(rs)+len(rs)/4)
	for i, r := range rs {
		user := strconv.FormatInt(r.UserID, 10)
		if r.Email != "" {
			jobs = append(jobs, outbox.Job{Kind: outbox.KindEmail, Key: prefix + user + ":email", Payload: mails.mail(i, id)})
		}
		if r.Phone != "" {
			jobs = append(jobs, outbox.Job{Kind: outbox.KindSMS, Key: prefix + user + ":sms",
				Payload: outbox.SMS{To: r.Phone, Text: d.Subject + " " + link}})
		}
	}
	return jobs
}

// UnsubscribeToken is the token of userID's unsubscribe link.
func (s *Service) UnsubscribeToken(ctx context.Context, userID int64) (string, error) {
	return s.unsub.token(ctx, userID)
}

// CheckUnsubscribe reads an unsubscribe link's u and t; ok is false when
// they are malformed or do not match.
func (s *Service) CheckUnsubscribe(ctx context.Context, u, t string) (int64, bool, error) {
	return s.unsub.check(ctx, u, t)
}

// Unsubscribe withdraws the newsletter consent: no more mails, the inbox
// stays.
func (s *Service) Unsubscribe(ctx context.Context, userID int64) error {
	return s.Consents.SetConsent(ctx, userID, NewsletterPurpose, false)
}
