package initiatives

import (
	"context"
	"html/template"
	"strconv"
	"time"

	"climatevolunteers/internal/db"
	"climatevolunteers/internal/outbox"
	"climatevolunteers/internal/volunteers"
	"climatevolunteers/internal/web/i18n"
)

// The digest gathers organisers' updates into one mail per person and run,
// never one mail per update.
//
// Where a person's news start: each update newer than their membership row
// (the moment they joined or followed; following then joining keeps the
// first moment), so a newcomer never receives the history, which the
// initiative's page shows anyway. initiative_digests.last_update_id then
// says how far their mails went. It moves in the transaction that queues
// the mail, by compare-and-set from the value read with the news: a second
// instance running at the same time, or a run after a crash, finds it moved
// and mails nothing, and nothing committed is left behind because update
// ids become visible in order (see insertUpdate). Updates of initiatives
// hidden or closed when a digest goes out are left out of it.
const (
	digestBatch      = 100 // people per write transaction, to free SQLite's writer often
	digestPerMail    = 50  // updates in one mail at most; the rest wait for the next
	digestExcerpt    = 1200
	defaultDigestGap = time.Hour
)

// digestMail fills templates/mail/digest.*.
type digestMail struct {
	Name    string
	Count   int // updates in the mail
	Groups  []digestGroup
	NewsURL string // the news page
}

type digestGroup struct {
	Title, Link string
	Items       []digestItem
}

type digestItem struct {
	When string
	Text string        // Markdown, cut to an excerpt for the text part
	HTML template.HTML // the same, rendered
	More bool          // cut: the page has the rest
}

// parisTime is where dates in mails are told.
var parisTime = func() *time.Location {
	if loc, err := time.LoadLocation("Europe/Paris"); err == nil {
		return loc
	}
	return time.UTC
}()

// SendDigests queues a digest for everyone with news and returns how many
// mails it queued.
func (s *Service) SendDigests(ctx context.Context) (int, error) {
	sent := 0
	var after int64
	for {
		users, err := digestUsers(ctx, s.DB, after, digestBatch)
		if err != nil || len(users) == 0 {
			return sent, err
		}
		n, err := s.digestBatch(ctx, users)
		sent += n
		if err != nil {
			return sent, err
		}
		if len(users) < digestBatch {
			return sent, nil
		}
		after = users[len(users)-1]
	}
}

// digestBatch reads and renders outside the write transaction, which then
// only moves cursors and queues mails.
func (s *Service) digestBatch(ctx context.Context, users []int64) (int, error) {
	news, err := digestNews(ctx, s.DB, users, digestPerMail)
	if err != nil {
		return 0, err
	}
	contacts, err := s.People.Contacts(ctx, users)
	if err != nil {
		return 0, err
	}
	byUser := make(map[int64]volunteers.Contact, len(contacts))
	for _, c := range contacts {
		byUser[c.UserID] = c
	}
	type pending struct {
		user, from, to int64
		mail           *outbox.Email
	}
	var todo []pending
	for _, u := range users {
		p := news[u]
		if p == nil || len(p.updates) == 0 {
			continue
		}
		job := pending{user: u, from: p.cursor, to: p.updates[len(p.updates)-1].ID}
		// Suspended and deleted accounts get nothing; their cursor moves
		// all the same, so that they are not read again at every run.
		if c, ok := byUser[u]; ok && c.Email != "" {
			m, err := s.mails.Render("digest", c.Lang, s.digestData(c, p.updates))
			if err != nil {
				return 0, err
			}
			m.To = c.Email
			job.mail = &m
		}
		todo = append(todo, job)
	}
	sent := 0
	err = s.DB.Tx(ctx, func(tx *db.Tx) error {
		sent = 0
		now := db.Now()
		for _, j := range todo {
			ok, err := advanceDigest(ctx, tx, j.user, j.from, j.to, now)
			if err != nil {
				return err
			}
			if !ok || j.mail == nil {
				continue
			}
			key := "initiative-digest:" + strconv.FormatInt(j.user, 10) + ":" + strconv.FormatInt(j.to, 10)
			_, created, err := outbox.EnqueueEmail(ctx, tx, key, *j.mail)
			if err != nil {
				return err
			}
			if created {
				sent++
			}
		}
		if sent > 0 && s.Notify != nil {
			tx.AfterCommit(s.Notify)
		}
		return nil
	})
	return sent, err
}

// digestData groups updates (oldest first) by initiative, the most recently
// active initiative first and its newest update first.
func (s *Service) digestData(c volunteers.Contact, updates []Update) digestMail {
	d := digestMail{Name: c.Name, Count: len(updates), NewsURL: s.BaseURL + "/my/updates"}
	index := map[int64]int{}
	for i := len(updates) - 1; i >= 0; i-- {
		u := updates[i]
		g, ok := index[u.InitiativeID]
		if !ok {
			g = len(d.Groups)
			index[u.InitiativeID] = g
			d.Groups = append(d.Groups, digestGroup{Title: u.Title, Link: s.Link(u.InitiativeID)})
		}
		text, more := excerpt(u.Body, digestExcerpt)
		d.Groups[g].Items = append(d.Groups[g].Items, digestItem{
			When: i18n.FormatDateTime(c.Lang, u.CreatedAt, parisTime), Text: text, HTML: RenderMarkdown(text), More: more})
	}
	return d
}

// RunDigests sends digests now and then every period until ctx ends. Errors
// are logged and retried at the next tick; the log never names people.
func (s *Service) RunDigests(ctx context.Context, every time.Duration) error {
	if every <= 0 {
		every = defaultDigestGap
	}
	s.Log.Info("initiative digests started", "every", every.String())
	defer s.Log.Info("initiative digests stopped")
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		n, err := s.SendDigests(ctx)
		if ctx.Err() != nil {
			return nil
		}
		if err != nil {
			s.Log.Error("initiative digests failed", "err", err, "queued", n)
		} else if n > 0 {
			s.Log.Info("initiative digests queued", "mails", n)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}
