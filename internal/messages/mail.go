package messages

import (
	"context"
	"crypto/rand"
	"embed"
	"encoding/hex"
	"strconv"
	"strings"

	"climatevolunteers/internal/outbox"
	"climatevolunteers/internal/volunteers"
)

//go:embed templates
var templates embed.FS

// mailTemplate is the file name of the mail, in templates/mail.
const mailTemplate = "message"

// mailData fills the mail templates.
type mailData struct {
	Name        string // the recipient's display name; may be empty
	Subject     string
	Body        string     // plain-text part, as written
	Paragraphs  [][]string // HTML part: paragraphs of lines, escaped by the template
	Link        string     // the message in the recipient's inbox
	Unsubscribe string
}

// preparedMails are the recipients' mails, rendered before the transaction
// (rendering 7,500 mails takes about as long as writing them, and on SQLite
// the transaction holds the only writer). The link to the message
// needs its id, which exists only inside the transaction: the mails carry a
// random placeholder, swapped for the id there.
type preparedMails struct {
	placeholder string
	mails       []outbox.Email // by recipient index; zero without email
}

func (s *Service) prepareMails(ctx context.Context, d Draft, rs []volunteers.Recipient) (*preparedMails, error) {
	nonce := make([]byte, 12)
	rand.Read(nonce)
	// Letters and digits only: escaping in text, HTML and URLs leaves it as
	// is, and a body cannot contain it by chance.
	placeholder := "pending" + hex.EncodeToString(nonce)
	p := &preparedMails{placeholder: placeholder, mails: make([]outbox.Email, len(rs))}
	data := mailData{Subject: d.Subject, Body: d.Body, Paragraphs: paragraphs(d.Body),
		Link: s.BaseURL + "/inbox/" + placeholder}
	for i, r := range rs {
		if r.Email == "" {
			continue
		}
		var err error
		if data.Unsubscribe, err = s.unsub.link(ctx, s.BaseURL, r.UserID); err != nil {
			return nil, err
		}
		data.Name = r.DisplayName
		e, err := s.mails.Render(mailTemplate, r.Lang, data)
		if err != nil {
			return nil, err
		}
		e.To = r.Email // Render set Lang to the language it could use
		p.mails[i] = e
	}
	return p, nil
}

// mail is recipient i's mail with the message's id in place.
func (p *preparedMails) mail(i int, id int64) outbox.Email {
	e, n := p.mails[i], strconv.FormatInt(id, 10)
	e.Text, e.HTML = strings.ReplaceAll(e.Text, p.placeholder, n), strings.ReplaceAll(e.HTML, p.placeholder, n)
	return e
}

// paragraphs splits plain text at blank lines, and each paragraph into its
// lines, so the HTML part keeps the writer's layout without trusting any
// markup in it.
func paragraphs(body string) [][]string {
	var out [][]string
	for _, p := range strings.Split(body, "\n\n") {
		if p = strings.Trim(p, "\n"); strings.TrimSpace(p) != "" {
			out = append(out, strings.Split(p, "\n"))
		}
	}
	return out
}
