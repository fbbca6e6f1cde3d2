package e2e

import (
	"net/http"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/device"
)

// TestPagesOnAPhone opens each page as a volunteer would on a small phone:
// nothing wider than the screen, navigation and language switch reachable,
// and axe clean at that size too.
func TestPagesOnAPhone(t *testing.T) {
	requireTools(t)
	base := startServer(t)
	ctx := newBrowser(t)
	if err := chromedp.Do(ctx, chromedp.Emulate(device.IPhoneSE)); err != nil {
		t.Fatalf("emulating a phone: %v", err)
	}
	for _, path := range []string{"/", "/districts", "/initiatives", "/initiatives?q=jardin&near=11&radius=3", "/initiatives/1", "/events", "/events?theme=waste",
		"/alerts", "/cool-places?district=11", "/registry"} {
		if status := navigate(ctx, t, base+path); status != http.StatusOK {
			t.Fatalf("GET %s: status %d", path, status)
		}
		// The page itself never scrolls sideways; wide tables scroll inside
		// their own focusable region.
		overflow := evalJS[bool](ctx, t, `document.documentElement.scrollWidth > document.documentElement.clientWidth`)
		if overflow {
			t.Errorf("%s is wider than a phone screen", path)
		}
		visible := evalJS[bool](ctx, t, `(() => {
			const r = document.querySelector('form.lang-switch button').getBoundingClientRect();
			const n = document.querySelector('nav a').getBoundingClientRect();
			return r.width > 0 && r.right <= window.innerWidth && n.width > 0;
		})()`)
		if !visible {
			t.Errorf("%s: language switch or navigation not visible on a phone", path)
		}
		runAxe(ctx, t)
	}
	// An event's page, the first the list links to.
	navigate(ctx, t, base+"/events")
	event := evalJS[string](ctx, t, `([...document.querySelectorAll("main a")].map(a => a.getAttribute("href")).find(h => /^\/events\/[0-9]+$/.test(h)) ?? "")`)
	if event == "" {
		t.Fatal("the events list links to no event")
	}
	navigate(ctx, t, base+event)
	if evalJS[bool](ctx, t, `document.documentElement.scrollWidth > document.documentElement.clientWidth`) {
		t.Errorf("%s is wider than a phone screen", event)
	}
	runAxe(ctx, t)
	assertNoConsoleErrors(ctx, t)
}
