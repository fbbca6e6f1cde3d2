package messages_test

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"testing"

	"climatevolunteers/internal/db"
	"climatevolunteers/internal/db/dbtest"
	"climatevolunteers/internal/messages"
	"climatevolunteers/internal/outbox"
	"climatevolunteers/internal/volunteers"
)

// One send writes the message, every inbox copy and every outbox job in the
// same transaction, with keys that make a replay harmless.
func TestSendWritesMessageInboxAndOutbox(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ids := addUsers(t, d, "v", 4)
		a := &fakeAudience{rs: []volunteers.Recipient{
			{UserID: ids[0], DisplayName: "Ada", Email: "ada@example.org", Phone: "+33611111111", Lang: "fr"},
			{UserID: ids[1], DisplayName: "Bob", Email: "bob@example.org", Lang: "en"},
			{UserID: ids[2], DisplayName: "Chloé", Phone: "+33622222222", Lang: "fr"},
			{UserID: ids[3], DisplayName: "Dan", Lang: "fr"},
		}}
		woken := 0
		svc := newService(t, d, a, nil)
		svc.Notify = func() { woken++ }
		sent, err := svc.Send(t.Context(), draft(ids[0]))
		if err != nil {
			t.Fatal(err)
		}
		if want := (messages.Counts{Recipients: 4, Emails: 2, SMS: 2, InAppOnly: 1}); sent.Counts != want || sent.Duplicate {
			t.Fatalf("counts %+v, want %+v", sent, want)
		}
		if woken != 1 {
			t.Errorf("worker woken %d times", woken)
		}
		id := strconv.FormatInt(sent.ID, 10)
		if n := count(t, d, "SELECT COUNT(*) FROM messages WHERE id = ? AND recipients = 4 AND emails = 2 AND sms = 2", sent.ID); n != 1 {
			t.Fatal("message row missing or wrong counts")
		}
		if n := count(t, d, "SELECT COUNT(*) FROM message_recipients WHERE message_id = ? AND read_at IS NULL", sent.ID); n != 4 {
			t.Fatalf("%d inbox copies, want 4", n)
		}
		jobs := jobsByKind(t, d)
		if len(jobs[outbox.KindEmail]) != 2 || len(jobs[outbox.KindSMS]) != 2 {
			t.Fatalf("jobs %v", jobs)
		}
		mails := map[string]outbox.Email{}
		for _, j := range jobs[outbox.KindEmail] {
			e, _ := j.Email()
			mails[j.Key] = e
		}
		ada := mails["message:"+id+":"+strconv.FormatInt(ids[0], 10)+":email"]
		bob := mails["message:"+id+":"+strconv.FormatInt(ids[1], 10)+":email"]
		if ada.To != "ada@example.org" || ada.Lang != "fr" || bob.To != "bob@example.org" || bob.Lang != "en" {
			t.Fatalf("mails %+v", mails)
		}
		link := site + "/inbox/" + id
		for _, want := range []string{"Bonjour Ada,", "Bonjour,\nles fontaines sont ouvertes.\n\n<b>Merci</b>", link, site + "/unsubscribe?t="} {
			if !strings.Contains(ada.Text, want) {
				t.Errorf("French text lacks %q:\n%s", want, ada.Text)
			}
		}
		for _, want := range []string{"Hello Bob,", `<a href="` + link + `">`, "Bonjour,<br>les fontaines sont ouvertes.</p>",
			"<p>&lt;b&gt;Merci&lt;/b&gt;</p>", "Stop receiving these messages by email"} {
			if !strings.Contains(bob.HTML, want) {
				t.Errorf("English HTML lacks %q", want)
			}
		}
		if ada.Subject != "Canicule : points d'eau" || strings.Contains(ada.HTML, "<b>Merci") {
			t.Errorf("subject %q, or markup passed through", ada.Subject)
		}
		for _, j := range jobs[outbox.KindSMS] {
			var m outbox.SMS
			if err := (outbox.Claimed{Payload: []byte(j.Payload)}).Decode(&m); err != nil {
				t.Fatal(err)
			}
			if m.Text != "Canicule : points d'eau "+link || !strings.HasSuffix(j.Key, ":sms") {
				t.Errorf("sms %s: %+v", j.Key, m)
			}
		}

		// The same message again straight away is a second click, not a
		// second message.
		again, err := svc.Send(t.Context(), draft(ids[0]))
		if err != nil || !again.Duplicate || again.ID != sent.ID {
			t.Fatalf("second click: %+v %v", again, err)
		}
		if n := count(t, d, "SELECT COUNT(*) FROM outbox_jobs"); n != 4 {
			t.Errorf("%d jobs after the second click, want 4", n)
		}
		other := draft(ids[0])
		other.Subject = "Autre chose"
		if s, err := svc.Send(t.Context(), other); err != nil || s.Duplicate {
			t.Fatalf("a different message: %+v %v", s, err)
		}
	})
}

// A failure midway (here a recipient whose account is gone) leaves no
// message, no inbox copy and no job behind.
func TestSendIsAllOrNothing(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ids := addUsers(t, d, "v", 1)
		a := &fakeAudience{rs: []volunteers.Recipient{
			{UserID: ids[0], Email: "a@example.org", Phone: "+33611111111", Lang: "fr"},
			{UserID: ids[0] + 1000, Email: "ghost@example.org", Lang: "fr"},
		}}
		if _, err := newService(t, d, a, nil).Send(t.Context(), draft(ids[0])); err == nil {
			t.Fatal("send to a missing account succeeded")
		}
		for _, table := range []string{"messages", "message_recipients", "outbox_jobs"} {
			if n := count(t, d, "SELECT COUNT(*) FROM "+table); n != 0 {
				t.Errorf("%s has %d rows after a failed send", table, n)
			}
		}
		a.rs = nil
		if _, err := newService(t, d, a, nil).Send(t.Context(), draft(ids[0])); !errors.Is(err, messages.ErrNobody) {
			t.Errorf("empty segment: %v", err)
		}
	})
}

// With the real directory as the audience, consents decide the channels:
// no mail without the newsletter consent, no SMS without both the SMS
// consent and a phone number.
func TestSendRespectsConsents(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := t.Context()
		vols := volunteers.NewService(d, nil)
		ids := addUsers(t, d, "c", 5)
		setup := []struct {
			phone    string
			consents []string
		}{
			{"06 11 11 11 11", []string{"newsletter", "sms_alerts"}}, // email and SMS
			{"06 22 22 22 22", nil},                                  // phone, no consent: in-app only
			{"", []string{"sms_alerts"}},                             // SMS consent, no phone: in-app only
			{"06 44 44 44 44", []string{"newsletter"}},               // email only
			{"06 55 55 55 55", []string{"newsletter", "sms_alerts"}}, // withdrawn below
		}
		for i, s := range setup {
			p := volunteers.Profile{UserID: ids[i], DisplayName: "V" + strconv.Itoa(i), Phone: s.phone, Visibility: volunteers.VisibilityPrivate}
			if errs, err := vols.SaveProfile(ctx, p, true); err != nil || len(errs) > 0 {
				t.Fatalf("profile %d: %v %v", i, errs, err)
			}
			for _, c := range s.consents {
				if err := vols.SetConsent(ctx, ids[i], c, true); err != nil {
					t.Fatal(err)
				}
			}
		}
		svc := newService(t, d, vols.Store(), vols)
		// Unsubscribing goes through the volunteers' consents.
		if err := svc.Unsubscribe(ctx, ids[4]); err != nil {
			t.Fatal(err)
		}
		if err := vols.SetConsent(ctx, ids[4], "sms_alerts", false); err != nil {
			t.Fatal(err)
		}
		sent, err := svc.Send(ctx, draft(ids[0]))
		if err != nil {
			t.Fatal(err)
		}
		if want := (messages.Counts{Recipients: 5, Emails: 2, SMS: 1, InAppOnly: 3}); sent.Counts != want {
			t.Fatalf("counts %+v, want %+v", sent.Counts, want)
		}
		jobs := jobsByKind(t, d)
		user := func(j outbox.JobInfo) string { return strings.Split(j.Key, ":")[2] }
		var mailed, texted []string
		for _, j := range jobs[outbox.KindEmail] {
			mailed = append(mailed, user(j))
		}
		for _, j := range jobs[outbox.KindSMS] {
			texted = append(texted, user(j))
		}
		id := func(i int) string { return strconv.FormatInt(ids[i], 10) }
		if strings.Join(mailed, ",") != id(0)+","+id(3) && strings.Join(mailed, ",") != id(3)+","+id(0) {
			t.Errorf("mailed %v, want users 0 and 3", mailed)
		}
		if len(texted) != 1 || texted[0] != id(0) {
			t.Errorf("texted %v, want user 0", texted)
		}
		if !strings.Contains(jobs[outbox.KindSMS][0].Payload, "+33611111111") {
			t.Errorf("sms payload %s", jobs[outbox.KindSMS][0].Payload)
		}
	})
}

func TestDraftValidation(t *testing.T) {
	known := func(c string) bool { return c == "11" || c == "repair" }
	long := strings.Repeat("é", messages.MaxBody)
	for _, c := range []struct {
		name   string
		d      messages.Draft
		fields string
	}{
		{"good", messages.Draft{Subject: "Salut", Body: long, Segment: messages.Everyone()}, ""},
		{"crlf counts once", messages.Draft{Subject: "Salut", Body: strings.Repeat("a\r\n", messages.MaxBody/2), Segment: messages.Everyone()}, ""},
		{"blank", messages.Draft{Subject: "  ", Body: "\r\n", Segment: messages.Everyone()}, "subject body"},
		{"too long", messages.Draft{Subject: strings.Repeat("x", 151), Body: long + "!", Segment: messages.Everyone()}, "subject body"},
		{"unknown choices", messages.Draft{Subject: "a", Body: "b", Segment: messages.Segment{District: "99", Skill: "juggling",
			Language: "xx", Interest: "golf", Day: 7, Slot: -2}}, "district skill language interest day slot"},
	} {
		t.Run(c.name, func(t *testing.T) {
			d := c.d
			d.Normalise()
			var got []string
			for _, e := range d.Validate(known, known) {
				got = append(got, e.Field)
			}
			if strings.Join(got, " ") != c.fields {
				t.Errorf("errors on %q, want %q", strings.Join(got, " "), c.fields)
			}
		})
	}
	d := messages.Draft{Subject: " Réunion\n\tjeudi ", Body: "\r\nligne 1\rligne 2\r\n"}
	d.Normalise()
	if d.Subject != "Réunion jeudi" || d.Body != "ligne 1\nligne 2" {
		t.Errorf("normalised %q %q", d.Subject, d.Body)
	}
	if d.Fingerprint() == (messages.Draft{Subject: "Réunion jeudi", Body: "ligne 1\nligne 2", Segment: messages.Everyone()}).Fingerprint() {
		t.Error("fingerprint ignores the segment")
	}
}

func TestInboxOwnershipAndReading(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		ids := addUsers(t, d, "i", 2)
		a := &fakeAudience{rs: []volunteers.Recipient{{UserID: ids[0], Lang: "fr"}}}
		svc := newService(t, d, a, nil)
		var sent []int64
		for _, subject := range []string{"Premier", "Second"} {
			dr := draft(ids[1])
			dr.Subject = subject
			s, err := svc.Send(ctx, dr)
			if err != nil {
				t.Fatal(err)
			}
			sent = append(sent, s.ID)
		}
		st := svc.Store()
		items, total, unread, err := st.Inbox(ctx, ids[0], 50, 0)
		if err != nil || total != 2 || unread != 2 || len(items) != 2 || items[0].Subject != "Second" || !items[0].Unread() {
			t.Fatalf("inbox %+v %d %d %v", items, total, unread, err)
		}
		if _, err := st.Open(ctx, ids[1], sent[0]); !errors.Is(err, messages.ErrNotFound) {
			t.Fatalf("someone else's message: %v", err)
		}
		if _, err := st.Open(ctx, ids[0], sent[1]+100); !errors.Is(err, messages.ErrNotFound) {
			t.Fatalf("missing message: %v", err)
		}
		first, err := st.Open(ctx, ids[0], sent[0])
		if err != nil || first.ReadAt == nil || first.Body != "Bonjour,\nles fontaines sont ouvertes.\n\n<b>Merci</b>" {
			t.Fatalf("open: %+v %v", first, err)
		}
		again, _ := st.Open(ctx, ids[0], sent[0])
		if again.ReadAt == nil || !again.ReadAt.Equal(*first.ReadAt) {
			t.Errorf("reading again moved read_at: %v then %v", first.ReadAt, again.ReadAt)
		}
		if n, _ := st.Unread(ctx, ids[0]); n != 1 {
			t.Errorf("unread %d, want 1", n)
		}
		if _, _, unread, _ := st.Inbox(ctx, ids[1], 50, 0); unread != 0 {
			t.Errorf("the author's own inbox has %d unread", unread)
		}
		list, total, err := st.Sent(ctx, 50, 0)
		if err != nil || total != 2 || list[0].Subject != "Second" || list[0].Segment != messages.Everyone() || list[0].AuthorID != ids[1] {
			t.Errorf("sent list %+v %d %v", list, total, err)
		}
	})
}

func TestEraseInbox(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ids := addUsers(t, d, "e", 2)
		a := &fakeAudience{rs: []volunteers.Recipient{{UserID: ids[0], Lang: "fr"}, {UserID: ids[1], Lang: "fr"}}}
		if _, err := newService(t, d, a, nil).Send(t.Context(), draft(ids[0])); err != nil {
			t.Fatal(err)
		}
		err := d.Tx(t.Context(), func(tx *db.Tx) error { return messages.EraseInbox(t.Context(), tx, ids[0]) })
		if err != nil {
			t.Fatal(err)
		}
		if n := count(t, d, "SELECT COUNT(*) FROM message_recipients WHERE user_id = ?", ids[0]); n != 0 {
			t.Errorf("%d copies left", n)
		}
		if n := count(t, d, "SELECT COUNT(*) FROM message_recipients"); n != 1 {
			t.Errorf("another volunteer's copy went too: %d left", n)
		}
	})
}
