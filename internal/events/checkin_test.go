package events

import (
	"context"
	"errors"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"

	qrcode "github.com/skip2/go-qrcode"

	"climatevolunteers/internal/db"
	"climatevolunteers/internal/db/dbtest"
	"climatevolunteers/internal/web"
)

func TestCheckinIsIdempotentAndCounted(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		org := chkUser(t, d, "volunteer")
		s := chkService(t, d, nil)
		ev := chkEvent(t, d, org, "Fresque du climat")
		p := chkUser(t, d, "volunteer")
		reg, code := chkRegister(t, d, ev, p.UserID, RegConfirmed)

		res, err := s.CheckIn(ctx, org, ev, code, 0)
		if err != nil || res.Already || res.RegistrationID != reg {
			t.Fatalf("first check-in: %+v, %v", res, err)
		}
		for _, by := range []struct {
			code string
			reg  int64
		}{{code, 0}, {"", reg}} {
			res, err = s.CheckIn(ctx, org, ev, by.code, by.reg)
			if err != nil || !res.Already {
				t.Fatalf("second check-in (%+v): %+v, %v", by, res, err)
			}
		}
		if n := chkCounter(t, d, ev); n != 1 {
			t.Errorf("checked_in = %d, want 1", n)
		}
		a, err := s.Store().AttendanceOf(ctx, ev)
		if err != nil || a.Confirmed != 1 || a.CheckedIn != 1 || a.Absent != 0 {
			t.Errorf("attendance %+v, %v", a, err)
		}
		tk, err := s.Store().TicketByCode(ctx, code)
		if err != nil || tk.CheckedInAt == nil {
			t.Errorf("ticket after check-in: %+v, %v", tk, err)
		}
	})
}

// Two desks scanning the same ticket at once check it in once.
func TestCheckinConcurrentScansCountOnce(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		org := chkUser(t, d, "volunteer")
		s := chkService(t, d, nil)
		ev := chkEvent(t, d, org, "Fresque du climat")
		_, code := chkRegister(t, d, ev, chkUser(t, d, "volunteer").UserID, RegConfirmed)
		var wg sync.WaitGroup
		var mu sync.Mutex
		fresh := 0
		for range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				res, err := s.CheckIn(context.Background(), org, ev, code, 0)
				if err != nil {
					t.Error(err)
					return
				}
				if !res.Already {
					mu.Lock()
					fresh++
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
		if fresh != 1 || chkCounter(t, d, ev) != 1 {
			t.Errorf("%d first check-ins, counter %d; want 1 and 1", fresh, chkCounter(t, d, ev))
		}
	})
}

func TestCheckinRefusals(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		org := chkUser(t, d, "volunteer")
		s := chkService(t, d, nil)
		ev := chkEvent(t, d, org, "Fresque du climat")
		other := chkEvent(t, d, org, "Atelier vélo")
		_, waiting := chkRegister(t, d, ev, chkUser(t, d, "volunteer").UserID, RegWaitlisted)
		_, cancelled := chkRegister(t, d, ev, chkUser(t, d, "volunteer").UserID, RegCancelled)
		elsewhereReg, elsewhere := chkRegister(t, d, other, chkUser(t, d, "volunteer").UserID, RegConfirmed)
		_, mine := chkRegister(t, d, ev, chkUser(t, d, "volunteer").UserID, RegConfirmed)

		for _, c := range []struct {
			name string
			code string
			reg  int64
			want error
		}{
			{"waitlisted", waiting, 0, ErrTicketWaitlisted},
			{"cancelled", cancelled, 0, ErrTicketCancelled},
			{"another event's ticket", elsewhere, 0, ErrTicketOtherEvent},
			{"another event's registration", "", elsewhereReg, ErrTicketUnknown},
			{"unknown", "doesNotExist123", 0, ErrTicketUnknown},
			{"malformed", "<script>", 0, ErrTicketUnknown},
		} {
			if _, err := s.CheckIn(ctx, org, ev, c.code, c.reg); !errors.Is(err, c.want) {
				t.Errorf("%s: %v, want %v", c.name, err, c.want)
			}
		}
		stranger := chkUser(t, d, "volunteer")
		if _, err := s.CheckIn(ctx, stranger, ev, mine, 0); !errors.Is(err, ErrForbidden) {
			t.Errorf("stranger: %v, want ErrForbidden", err)
		}
		if _, err := s.CheckIn(ctx, Actor{}, ev, mine, 0); !errors.Is(err, ErrForbidden) {
			t.Errorf("visitor: %v, want ErrForbidden", err)
		}
		if _, err := s.CheckIn(ctx, org, 999999, mine, 0); !errors.Is(err, ErrNotFound) {
			t.Errorf("no such event: %v, want ErrNotFound", err)
		}
		chkExec(t, d, "UPDATE events SET status = 'cancelled' WHERE id = ?", ev)
		if _, err := s.CheckIn(ctx, org, ev, mine, 0); !errors.Is(err, ErrCheckinClosed) {
			t.Errorf("cancelled event: %v, want ErrCheckinClosed", err)
		}
		if chkCounter(t, d, ev) != 0 || chkCounter(t, d, other) != 0 {
			t.Error("a refused check-in moved a counter")
		}
	})
}

func TestUndoCheckin(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		org := chkUser(t, d, "volunteer")
		s := chkService(t, d, nil)
		ev := chkEvent(t, d, org, "Fresque du climat")
		other := chkEvent(t, d, org, "Atelier vélo")
		reg, code := chkRegister(t, d, ev, chkUser(t, d, "volunteer").UserID, RegConfirmed)
		elsewhere, _ := chkRegister(t, d, other, chkUser(t, d, "volunteer").UserID, RegConfirmed)
		if _, err := s.CheckIn(ctx, org, ev, code, 0); err != nil {
			t.Fatal(err)
		}
		if _, err := s.UndoCheckIn(ctx, chkUser(t, d, "volunteer"), ev, reg); !errors.Is(err, ErrForbidden) {
			t.Errorf("stranger's undo: %v", err)
		}
		if undone, err := s.UndoCheckIn(ctx, org, ev, reg); err != nil || !undone {
			t.Fatalf("undo: %v, %v", undone, err)
		}
		if undone, err := s.UndoCheckIn(ctx, org, ev, reg); err != nil || undone {
			t.Errorf("second undo: %v, %v", undone, err)
		}
		if _, err := s.UndoCheckIn(ctx, org, ev, elsewhere); !errors.Is(err, ErrNotFound) {
			t.Errorf("undo of another event's registration: %v", err)
		}
		if n := chkCounter(t, d, ev); n != 0 {
			t.Errorf("checked_in = %d after undo", n)
		}
		if res, err := s.CheckIn(ctx, org, ev, code, 0); err != nil || res.Already {
			t.Errorf("check-in after undo: %+v, %v", res, err)
		}
		if n := chkCounter(t, d, ev); n != 1 {
			t.Errorf("checked_in = %d after a new check-in", n)
		}
	})
}

func TestAttendanceFiguresByWorkshop(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		org := chkUser(t, d, "volunteer")
		s := chkService(t, d, nil)
		ev := chkEvent(t, d, org, "Journée des volontaires")
		morning := chkSession(t, d, ev, "Fresque", 0)
		noon := chkSession(t, d, ev, "Vélo", 90*60e9)
		var codes []string
		for i, st := range []string{RegConfirmed, RegConfirmed, RegConfirmed, RegWaitlisted, RegCancelled} {
			reg, code := chkRegister(t, d, ev, chkUser(t, d, "volunteer").UserID, st)
			codes = append(codes, code)
			choice := RegConfirmed
			if st != RegConfirmed || i == 2 {
				choice = RegWaitlisted
			}
			chkChoose(t, d, reg, morning, choice)
			if i == 0 {
				chkChoose(t, d, reg, noon, RegConfirmed)
			}
		}
		for _, c := range codes[:2] {
			if _, err := s.CheckIn(ctx, org, ev, c, 0); err != nil {
				t.Fatal(err)
			}
		}
		a, err := s.Store().AttendanceOf(ctx, ev)
		if err != nil {
			t.Fatal(err)
		}
		if a.Confirmed != 3 || a.CheckedIn != 2 || a.Absent != 1 || a.Waitlisted != 1 {
			t.Errorf("figures %+v", a)
		}
		if len(a.Sessions) != 2 {
			t.Fatalf("%d workshops", len(a.Sessions))
		}
		m, n := a.Sessions[0], a.Sessions[1]
		// Morning: two confirmed (both checked in), waitlisted: the third
		// confirmed person's choice and the waitlisted person's; the
		// cancelled registration counts nowhere.
		if m.Session.ID != morning || m.Confirmed != 2 || m.CheckedIn != 2 || m.Absent != 0 || m.Waitlisted != 2 {
			t.Errorf("morning %+v", m)
		}
		if n.Session.ID != noon || n.Confirmed != 1 || n.CheckedIn != 1 || n.Waitlisted != 0 {
			t.Errorf("noon %+v", n)
		}
	})
}

func TestSearchAttendeesByName(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		org := chkUser(t, d, "volunteer")
		helene, zoe, gone, waiting := chkUser(t, d, "volunteer"), chkUser(t, d, "volunteer"), chkUser(t, d, "volunteer"), chkUser(t, d, "volunteer")
		s := chkService(t, d, map[int64]string{helene.UserID: "Hélène  Dupré", zoe.UserID: "Zoé Martin",
			gone.UserID: "Hélène Annulée", waiting.UserID: "Hélène Attente"})
		ev := chkEvent(t, d, org, "Fresque du climat")
		chkRegister(t, d, ev, helene.UserID, RegConfirmed)
		chkRegister(t, d, ev, zoe.UserID, RegConfirmed)
		chkRegister(t, d, ev, gone.UserID, RegCancelled)
		chkRegister(t, d, ev, waiting.UserID, RegWaitlisted)

		got, more, err := s.SearchAttendees(ctx, ev, "  HELENE ")
		if err != nil || more {
			t.Fatal(err, more)
		}
		var names []string
		for _, x := range got {
			names = append(names, x.Name+"/"+x.Status)
		}
		if strings.Join(names, ",") != "Hélène Attente/waitlisted,Hélène  Dupré/confirmed" {
			t.Errorf("search helene: %v", names)
		}
		if got, _, _ := s.SearchAttendees(ctx, ev, "hélène dupré"); len(got) != 1 {
			t.Errorf("search with the accents and a single space: %d results", len(got))
		}
		if got, _, _ := s.SearchAttendees(ctx, ev, "   "); len(got) != 0 {
			t.Errorf("blank search: %d results", len(got))
		}
	})
}

func TestTicketCodeFrom(t *testing.T) {
	for in, want := range map[string]string{
		"AbCdEf0123456789_-xyzABC":                               "AbCdEf0123456789_-xyzABC",
		"  AbCdEf0123456789_-xyzABC\n":                           "AbCdEf0123456789_-xyzABC",
		"https://cv.example/tickets/AbCdEf0123456789_-xyzABC":    "AbCdEf0123456789_-xyzABC",
		"https://cv.example/tickets/AbCdEf0123456789/qr.png?x=1": "AbCdEf0123456789",
		"https://cv.example/tickets/AbCdEf0123456789#top":        "AbCdEf0123456789",
		"short":                                    "",
		"<script>alert(1)</script>":                "",
		"https://cv.example/tickets/":              "",
		"https://cv.example/tickets/a b c d e f g": "",
		"": "",
	} {
		if got := TicketCodeFrom(in); got != want {
			t.Errorf("TicketCodeFrom(%q) = %q, want %q", in, got, want)
		}
	}
}

// The SVG draws exactly the library's dark modules, in presentation
// attributes only (the Content-Security-Policy forbids inline styles).
func TestQRSVGDrawsTheBitmap(t *testing.T) {
	content := "https://cv.example/tickets/AbCdEf0123456789_-xyzABC"
	svg, err := qrSVG(content, `Billet "<b>"`)
	if err != nil {
		t.Fatal(err)
	}
	s := string(svg)
	if !strings.HasPrefix(s, "<svg ") || !strings.Contains(s, `role="img"`) || strings.Contains(s, "style") ||
		!strings.Contains(s, `aria-label="Billet &#34;&lt;b&gt;&#34;"`) {
		t.Errorf("svg head: %.300s", s)
	}
	q, _ := qrcode.New(content, qrLevel)
	dark := 0
	for _, row := range q.Bitmap() {
		for _, b := range row {
			if b {
				dark++
			}
		}
	}
	drawn := 0
	for _, m := range regexp.MustCompile(`width="(\d+)" height="1"`).FindAllStringSubmatch(s, -1) {
		n, _ := strconv.Atoi(m[1])
		drawn += n
	}
	if dark == 0 || drawn != dark {
		t.Errorf("drew %d modules, the code has %d", drawn, dark)
	}
	png, err := qrPNG(content, 320)
	if err != nil || len(png) < 8 || string(png[1:4]) != "PNG" {
		t.Errorf("png: %d bytes, %v", len(png), err)
	}
}

func TestCheckinCSVCellDefusesFormulas(t *testing.T) {
	for in, want := range map[string]string{"=HYPERLINK(1)": "'=HYPERLINK(1)", "+33": "'+33", "-1": "'-1", "@SUM": "'@SUM",
		" =HYPERLINK(1)": "' =HYPERLINK(1)", "\n=1+1": "'\n=1+1", "\tx": "'\tx", "Zoé": "Zoé", "": ""} {
		if got := web.CSVCell(in); got != want {
			t.Errorf("web.CSVCell(%q) = %q", in, got)
		}
	}
}
