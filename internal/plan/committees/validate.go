package committees

import (
	"net/mail"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// errorList collects one error per field, in the order found.
type errorList []FieldError

func (l *errorList) add(field, key string) {
	for _, e := range *l {
		if e.Field == field {
			return
		}
	}
	*l = append(*l, FieldError{field, key})
}

// length checks a trimmed text's size; min 0 means optional.
func (l *errorList) length(field, s string, min, max int) {
	switch n := utf8.RuneCountInString(s); {
	case min > 0 && n == 0:
		l.add(field, "form.error.required")
	case n < min:
		l.add(field, "plan.committees.error.too_short")
	case n > max:
		l.add(field, "plan.committees.error.too_long")
	}
}

func clean(s string) string { return strings.TrimSpace(strings.ReplaceAll(s, "\r\n", "\n")) }

// CommitteeInput is the committee form.
type CommitteeInput struct {
	Name, Slug, Description string
	ThemeID                 string // "" for none
	Version                 int
}

var slugPattern = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// Slugify makes a slug from a name: lower case ASCII words joined by '-'.
func Slugify(name string) string {
	r := strings.NewReplacer("à", "a", "â", "a", "ä", "a", "ç", "c", "é", "e", "è", "e", "ê", "e", "ë", "e",
		"î", "i", "ï", "i", "ô", "o", "ö", "o", "ù", "u", "û", "u", "ü", "u", "ÿ", "y", "œ", "oe", "æ", "ae")
	s := r.Replace(strings.ToLower(name))
	var b strings.Builder
	dash := false
	for _, c := range s {
		if (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteRune(c)
			dash = false
		} else {
			dash = true
		}
	}
	out := b.String()
	if len(out) > 60 {
		out = strings.TrimRight(out[:60], "-")
	}
	return out
}

// validCommittee is a checked CommitteeInput.
type validCommittee struct {
	CommitteeInput
	theme int64
}

func (in CommitteeInput) validate() (validCommittee, []FieldError) {
	in.Name, in.Slug, in.Description, in.ThemeID = clean(in.Name), clean(in.Slug), clean(in.Description), clean(in.ThemeID)
	var errs errorList
	errs.length("name", in.Name, 3, 120)
	errs.length("description", in.Description, 0, 5000)
	if in.Slug == "" {
		in.Slug = Slugify(in.Name)
	}
	_, numeric := strconv.ParseInt(in.Slug, 10, 64)
	if in.Name != "" && (!slugPattern.MatchString(in.Slug) || len(in.Slug) > 60 || numeric == nil) {
		errs.add("slug", "plan.committees.error.slug")
	}
	v := validCommittee{CommitteeInput: in}
	if in.ThemeID != "" {
		id, err := strconv.ParseInt(in.ThemeID, 10, 64)
		if err != nil || id <= 0 {
			errs.add("theme", "form.error.choice")
		}
		v.theme = id
	}
	return v, errs
}

// MemberInput is the form adding a member: an account's e-mail address or
// a person's name.
type MemberInput struct {
	Email, Name, College, Role string
}

func (in MemberInput) validate() (MemberInput, []FieldError) {
	in.Email, in.Name, in.College, in.Role = strings.ToLower(clean(in.Email)), clean(in.Name), clean(in.College), clean(in.Role)
	var errs errorList
	switch {
	case in.Email == "" && in.Name == "":
		errs.add("email", "plan.committees.error.member_who")
	case in.Email != "" && in.Name != "":
		errs.add("email", "plan.committees.error.member_both")
	case in.Email != "":
		if a, err := mail.ParseAddress(in.Email); err != nil || a.Address != in.Email {
			errs.add("email", "form.error.email")
		}
	default:
		errs.length("person_name", in.Name, 2, 120)
	}
	if in.College == "" {
		errs.add("college", "form.error.required")
	} else if !slices.Contains(Colleges, in.College) {
		errs.add("college", "form.error.choice")
	}
	errs.length("role", in.Role, 0, 120)
	return in, errs
}

// MeetingInput is the form scheduling a meeting. Times are datetime-local
// values in Paris time; a meeting happens in a district (with an address)
// or online, as any event.
type MeetingInput struct {
	Title, StartsAt, EndsAt string
	District, Address       string
	OnlineURL               string
}

type validMeeting struct {
	MeetingInput
	starts, ends time.Time
}

// ParseLocal reads a datetime-local value in Paris time.
func ParseLocal(s string) (time.Time, bool) {
	t, err := time.ParseInLocation(LocalLayout, strings.TrimSpace(s), Paris)
	return t.UTC(), err == nil
}

func (in MeetingInput) validate() (validMeeting, []FieldError) {
	for _, p := range []*string{&in.Title, &in.StartsAt, &in.EndsAt, &in.District, &in.Address, &in.OnlineURL} {
		*p = clean(*p)
	}
	v := validMeeting{MeetingInput: in}
	var errs errorList
	errs.length("title", in.Title, 3, 120)
	errs.length("address", in.Address, 0, 200)
	var ok1, ok2 bool
	if v.starts, ok1 = ParseLocal(in.StartsAt); !ok1 {
		errs.add("starts_at", "plan.committees.error.datetime")
	}
	if v.ends, ok2 = ParseLocal(in.EndsAt); !ok2 {
		errs.add("ends_at", "plan.committees.error.datetime")
	}
	if ok1 && ok2 && !v.ends.After(v.starts) {
		errs.add("ends_at", "plan.committees.error.end_before_start")
	}
	if in.OnlineURL != "" {
		u, err := url.Parse(in.OnlineURL)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || len(in.OnlineURL) > 500 {
			errs.add("online_url", "plan.committees.error.link")
		}
	}
	if in.District == "" && in.OnlineURL == "" {
		errs.add("district", "plan.committees.error.place")
	}
	return v, errs
}

// place is how the meeting's place reads on the committee page.
func (v validMeeting) place() string {
	if v.Address != "" {
		return v.Address
	}
	return v.OnlineURL
}

// MinutesInput is the minutes form: the text, whether to publish it, and
// the meeting's version the form was read at.
type MinutesInput struct {
	Text    string
	Publish bool
	Version int
}

// DecisionInput is the form recording a decision.
type DecisionInput struct {
	Text, Action, DueOn string
}

func (in DecisionInput) validate() (DecisionInput, []FieldError) {
	in.Text, in.Action, in.DueOn = clean(in.Text), clean(in.Action), clean(in.DueOn)
	var errs errorList
	errs.length("text", in.Text, 3, 2000)
	errs.length("action", in.Action, 0, 40)
	if in.DueOn != "" {
		if _, err := time.Parse(time.DateOnly, in.DueOn); err != nil {
			errs.add("due_on", "plan.committees.error.date")
		}
	}
	return in, errs
}

// FollowUpInput is a follow-up entry: a note and, for staff, a new status
// ("" keeps the current one) with the decision's version the form was read
// at, so a stale page cannot revert someone else's status change.
type FollowUpInput struct {
	Status, Note string
	Version      int
}

func (in FollowUpInput) validate() (FollowUpInput, []FieldError) {
	in.Status, in.Note = clean(in.Status), clean(in.Note)
	var errs errorList
	errs.length("note", in.Note, 2, 2000)
	if in.Status != "" && !slices.Contains(DecisionStatuses, in.Status) {
		errs.add("status", "form.error.choice")
	}
	return in, errs
}

// compareFold orders names without regard to case.
func compareFold(a, b string) int { return strings.Compare(strings.ToLower(a), strings.ToLower(b)) }
