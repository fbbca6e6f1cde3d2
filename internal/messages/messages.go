// Package messages lets coordinators write to a segment of volunteers (by
// district, skill, language, interest and availability). Each message lands
// in every recipient's in-app inbox and leaves through the outbox by email
// and SMS where the volunteer consented; mails carry an unsubscribe link
// that works without signing in.
package messages

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"climatevolunteers/internal/districts"
	"climatevolunteers/internal/volunteers"
)

// Audience finds the volunteers a segment selects, with the contact details
// their consents allow (the volunteers feature's store).
type Audience interface {
	Recipients(ctx context.Context, f volunteers.Filter) ([]volunteers.Recipient, error)
}

// Consents withdraws the newsletter consent when someone unsubscribes (the
// volunteers feature's service).
type Consents interface {
	SetConsent(ctx context.Context, userID int64, purpose string, grant bool) error
}

// Skills lists the skills a segment may name (the volunteers feature's
// store).
type Skills interface {
	Skills(ctx context.Context, all bool) ([]volunteers.Skill, error)
}

// Districts lists the districts a segment may name (the districts feature's
// store).
type Districts interface {
	List(ctx context.Context) ([]districts.District, error)
}

// NewsletterPurpose is the consent that lets messages go out by email.
const NewsletterPurpose = "newsletter"

// Limits of what a coordinator writes.
const (
	MaxSubject = 150  // fits a mail subject line and an SMS with its link
	MaxBody    = 5000 // characters, plain text
)

// Segment is the filter a message was sent with, stored as JSON with the
// message. It is this package's own type so stored messages keep reading
// the same whatever the directory's filter becomes.
type Segment struct {
	District string `json:"district,omitempty"`
	Skill    string `json:"skill,omitempty"`
	Language string `json:"language,omitempty"`
	Interest string `json:"interest,omitempty"`
	Day      int    `json:"day"`  // volunteers.AnyTime for any day
	Slot     int    `json:"slot"` // volunteers.AnyTime for any slot
}

// values gives each criterion as the form names it, "" for any.
func (s Segment) values() map[string]string {
	v := map[string]string{"district": s.District, "skill": s.Skill, "language": s.Language, "interest": s.Interest}
	if s.Day >= 0 {
		v["day"] = strconv.Itoa(s.Day)
	}
	if s.Slot >= 0 {
		v["slot"] = strconv.Itoa(s.Slot)
	}
	return v
}

// Everyone is the segment of all volunteers.
func Everyone() Segment { return Segment{Day: volunteers.AnyTime, Slot: volunteers.AnyTime} }

// Filter is the segment as the volunteers feature reads it.
func (s Segment) Filter() volunteers.Filter {
	f := volunteers.Everyone()
	f.District, f.Skill, f.Language, f.Interest, f.Day, f.Slot = s.District, s.Skill, s.Language, s.Interest, s.Day, s.Slot
	return f
}

// Counts say how a message reaches its segment. Everyone gets it in the
// app; email and SMS only where consented.
type Counts struct {
	Recipients int
	Emails     int
	SMS        int
	InAppOnly  int // neither email nor SMS; known at sending time, not stored
}

// count tallies what each recipient's consents allow.
func count(rs []volunteers.Recipient) Counts {
	c := Counts{Recipients: len(rs)}
	for _, r := range rs {
		if r.Email != "" {
			c.Emails++
		}
		if r.Phone != "" {
			c.SMS++
		}
		if r.Email == "" && r.Phone == "" {
			c.InAppOnly++
		}
	}
	return c
}

// Draft is a message before it is sent.
type Draft struct {
	AuthorID int64
	Subject  string
	Body     string
	Segment  Segment
}

// Normalise trims the subject to one line and the body's line endings to
// "\n" (browsers send "\r\n"), so lengths are counted as people see them.
func (d *Draft) Normalise() {
	d.Subject = strings.Join(strings.Fields(d.Subject), " ")
	d.Body = strings.TrimSpace(strings.ReplaceAll(strings.ReplaceAll(d.Body, "\r\n", "\n"), "\r", "\n"))
}

// Fingerprint identifies what a draft says and to whom, so a send can be
// matched with the preview the coordinator saw.
func (d Draft) Fingerprint() string {
	b, _ := json.Marshal(struct {
		S, B string
		Seg  Segment
	}{d.Subject, d.Body, d.Segment})
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:16])
}

// FieldError names a form field and the catalog key of its message.
type FieldError struct {
	Field, Key string
	Args       []any
}

// Validate checks a normalised draft; knownDistrict and knownSkill come
// from the database.
func (d Draft) Validate(knownDistrict, knownSkill func(string) bool) []FieldError {
	var errs []FieldError
	s := d.Segment
	if s.District != "" && !knownDistrict(s.District) {
		errs = append(errs, FieldError{Field: "district", Key: "form.error.choice"})
	}
	if s.Skill != "" && !knownSkill(s.Skill) {
		errs = append(errs, FieldError{Field: "skill", Key: "form.error.choice"})
	}
	if s.Language != "" && !slices.Contains(volunteers.Languages, s.Language) {
		errs = append(errs, FieldError{Field: "language", Key: "form.error.choice"})
	}
	if s.Interest != "" && !slices.Contains(volunteers.Themes, s.Interest) {
		errs = append(errs, FieldError{Field: "interest", Key: "form.error.choice"})
	}
	if s.Day < volunteers.AnyTime || s.Day >= len(volunteers.Days) {
		errs = append(errs, FieldError{Field: "day", Key: "form.error.choice"})
	}
	if s.Slot < volunteers.AnyTime || s.Slot >= len(volunteers.Slots) {
		errs = append(errs, FieldError{Field: "slot", Key: "form.error.choice"})
	}
	for _, f := range []struct {
		name, value string
		max         int
	}{{"subject", d.Subject, MaxSubject}, {"body", d.Body, MaxBody}} {
		switch {
		case f.value == "":
			errs = append(errs, FieldError{Field: f.name, Key: "form.error.required"})
		case utf8.RuneCountInString(f.value) > f.max:
			errs = append(errs, FieldError{Field: f.name, Key: "form.error.too_long", Args: []any{f.max}})
		}
	}
	return errs
}

// Message is a sent message as coordinators list it.
type Message struct {
	ID        int64
	AuthorID  int64 // 0 once the author's account is gone
	Subject   string
	Body      string
	Segment   Segment
	Counts    Counts
	CreatedAt time.Time
}

// InboxItem is a message in a volunteer's inbox.
type InboxItem struct {
	ID        int64
	Subject   string
	Body      string
	CreatedAt time.Time
	ReadAt    *time.Time
}

// Unread reports whether the volunteer has not opened it yet.
func (i InboxItem) Unread() bool { return i.ReadAt == nil }
