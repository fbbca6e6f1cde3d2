package episodes

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"climatevolunteers/internal/alerts"
	"climatevolunteers/internal/db"
	"climatevolunteers/internal/outbox"
	"climatevolunteers/internal/volunteers"
)

// What leaves the platform about an episode goes through the outbox, in
// the transaction of the change, and never carries a registered person's
// data: volunteers get a count and a link to "my calls", coordinators a
// district and a link to the escalation.

// notice tells one volunteer about the people just given to them.
type notice struct {
	volunteer int64
	count     int
	batch     string // with the episode and the volunteer, the job's key
}

// noticeSet gathers notices by volunteer; the batch is named after the
// first assignment and its version once given, so that a replayed change
// queues nothing twice and a person given again is told again.
type noticeSet map[int64]*notice

func (ns noticeSet) add(volunteer, assignmentID int64, version int) {
	n, ok := ns[volunteer]
	if !ok {
		ns[volunteer] = &notice{volunteer: volunteer, count: 1, batch: fmt.Sprintf("a%dv%d", assignmentID, version)}
		return
	}
	n.count++
}

func (ns noticeSet) sorted() []notice {
	out := make([]notice, 0, len(ns))
	for _, v := range slices.Sorted(maps.Keys(ns)) {
		out = append(out, *ns[v])
	}
	return out
}

// noticeData is how to reach the volunteers: read before the transaction.
type noticeData struct {
	contacts map[int64]volunteers.Contact
	phones   map[int64]string // only those who agreed to text messages
}

// noticeData reads the contacts of the volunteers decisions give people to.
func (s *Service) noticeData(ctx context.Context, decisions []decision) (noticeData, error) {
	seen := map[int64]bool{}
	var ids []int64
	for _, d := range decisions {
		if d.volunteer != 0 && !seen[d.volunteer] {
			seen[d.volunteer] = true
			ids = append(ids, d.volunteer)
		}
	}
	return s.contactsOf(ctx, ids)
}

func (s *Service) contactsOf(ctx context.Context, ids []int64) (noticeData, error) {
	nd := noticeData{contacts: map[int64]volunteers.Contact{}, phones: map[int64]string{}}
	if len(ids) == 0 {
		return nd, nil
	}
	slices.Sort(ids)
	cs, err := s.People.Contacts(ctx, ids)
	if err != nil {
		return nd, err
	}
	for _, c := range cs {
		nd.contacts[c.UserID] = c
	}
	if nd.phones, err = s.People.SMSPhones(ctx, ids); err != nil {
		return nd, err
	}
	return nd, nil
}

// callsMail fills templates/mail/calls_assigned.
type callsMail struct {
	Name  string
	Count int
	Heat  bool   // a heatwave rather than a flood
	Link  string // the "my calls" page, where the call script is
}

// enqueueCallNotices queues, for each notice, a mail and, with the SMS
// consent and a phone, a text message. Accounts without a contact
// (suspended, deleted) get nothing: they see nothing either. It returns
// how many jobs were new.
func (s *Service) enqueueCallNotices(ctx context.Context, tx *db.Tx, epID int64, hazard alerts.Hazard, ns []notice,
	nd noticeData) (int, error) {
	if len(ns) == 0 {
		return 0, nil
	}
	link := s.BaseURL + "/my/calls"
	jobs := make([]outbox.Job, 0, 2*len(ns))
	// A whole city's activation mails thousands of volunteers: each mail
	// differs only by its name, so it is rendered once per language and
	// count, with a mark where the name goes.
	type variant struct {
		lang    string
		count   int
		unnamed bool
	}
	rendered := map[variant]outbox.Email{}
	for _, n := range ns {
		c, ok := nd.contacts[n.volunteer]
		if !ok || c.Email == "" {
			continue
		}
		v := variant{c.Lang, n.count, c.Name == ""}
		m, ok := rendered[v]
		if !ok {
			data := callsMail{Name: nameMark, Count: n.count, Heat: hazard == alerts.Heat, Link: link}
			if v.unnamed {
				data.Name = ""
			}
			var err error
			if m, err = s.mails.Render("calls_assigned", c.Lang, data); err != nil {
				return 0, err
			}
			rendered[v] = m
		}
		m.Text = strings.ReplaceAll(m.Text, nameMark, c.Name)
		m.To = c.Email
		key := fmt.Sprintf("solidarity-calls:%d:%d:%s", epID, n.volunteer, n.batch)
		jobs = append(jobs, outbox.Job{Kind: outbox.KindEmail, Key: key, Payload: m})
		if phone := nd.phones[n.volunteer]; phone != "" {
			text := s.Catalog.T(c.Lang, "episodes.sms.assigned", n.count, link)
			jobs = append(jobs, outbox.Job{Kind: outbox.KindSMS, Key: key + ":sms", Payload: outbox.SMS{To: phone, Text: text}})
		}
	}
	return outbox.EnqueueMany(ctx, tx, jobs)
}

// nameMark stands for the volunteer's name in a mail rendered once for
// many: a name cannot hold it (control characters).
const nameMark = "\x00name\x00"

// staffMail fills templates/mail/escalation_help and volunteer_left.
type staffMail struct {
	Name     string
	District string
	Link     string
	Moved    int // people another volunteer took
	Left     int // people waiting for a coordinator
}

// mailStaff queues mail name to every coordinator and administrator under
// key:<their id>.
func (s *Service) mailStaff(ctx context.Context, tx *db.Tx, staff []volunteers.Contact, name, key string, data staffMail) error {
	jobs := make([]outbox.Job, 0, len(staff))
	for _, c := range staff {
		if c.Email == "" {
			continue
		}
		d := data
		d.Name = c.Name
		m, err := s.mails.Render(name, c.Lang, d)
		if err != nil {
			return err
		}
		m.To = c.Email
		jobs = append(jobs, outbox.Job{Kind: outbox.KindEmail, Key: fmt.Sprintf("%s:%d", key, c.UserID), Payload: m})
	}
	_, err := outbox.EnqueueMany(ctx, tx, jobs)
	return err
}

// districtName names a district for mails and pages; the code when unknown.
func (s *Service) districtName(ctx context.Context, code string) (string, error) {
	names, err := s.districtNames(ctx)
	if err != nil {
		return "", err
	}
	if n, ok := names[code]; ok {
		return n, nil
	}
	return code, nil
}

func (s *Service) districtNames(ctx context.Context) (map[string]string, error) {
	out := map[string]string{}
	if s.Districts == nil {
		return out, nil
	}
	ds, err := s.Districts.List(ctx)
	if err != nil {
		return nil, err
	}
	for _, d := range ds {
		out[d.Code] = d.Name
	}
	return out, nil
}
