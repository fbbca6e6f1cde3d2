package e2e

import (
	"net/http"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestHomePageLanguagesAndAccessibility follows a visitor who lands on the
// home page in French, switches to English, and comes back; and a first
// visitor whose browser asks for English.
func TestHomePageLanguagesAndAccessibility(t *testing.T) {
	requireTools(t)
	base := startServer(t)
	ctx := newBrowser(t)

	if status := navigate(ctx, t, base+"/"); status != http.StatusOK {
		t.Fatalf("GET / status = %d, want 200", status)
	}
	if lang := pageLang(ctx, t); lang != "fr" {
		t.Errorf(`French browser: <html lang> = %q, want "fr"`, lang)
	}
	frTitle := h1Text(ctx, t)
	if frTitle == "" {
		t.Error("the home page has no h1 text")
	}
	runAxe(ctx, t)

	// The switch is a plain form POST that redirects back, so it works
	// without JavaScript; RunResponse waits for the page it lands on.
	resp, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(`form.lang-switch button[value="en"]`)))
	if err != nil {
		t.Fatalf("clicking the English button of the language switch: %v", err)
	}
	if resp.Status != http.StatusOK {
		t.Errorf("page after the language switch: status %d, want 200", resp.Status)
	}
	if lang := pageLang(ctx, t); lang != "en" {
		t.Errorf(`after switching to English: <html lang> = %q, want "en"`, lang)
	}
	if enTitle := h1Text(ctx, t); enTitle == "" || enTitle == frTitle {
		t.Errorf("after switching to English: h1 = %q, want a non-empty text other than the French %q", enTitle, frTitle)
	}
	runAxe(ctx, t)

	// The choice is remembered (cookie), and beats the browser's French.
	if err := chromedp.Do(ctx, chromedp.Reload()); err != nil {
		t.Fatalf("reloading: %v", err)
	}
	if lang := pageLang(ctx, t); lang != "en" {
		t.Errorf(`after a reload: <html lang> = %q, want "en" (the choice should persist)`, lang)
	}
	assertNoConsoleErrors(ctx, t)

	// A fresh browser context has no cookie: Accept-Language decides.
	en := newTab(t, ctx, chromedp.WithNewBrowserContext())
	setAcceptLanguage(en, t, "en")
	if status := navigate(en, t, base+"/"); status != http.StatusOK {
		t.Fatalf("GET / with Accept-Language en: status %d, want 200", status)
	}
	if lang := pageLang(en, t); lang != "en" {
		t.Errorf(`Accept-Language "en": <html lang> = %q, want "en"`, lang)
	}
	assertNoConsoleErrors(en, t)
}

// TestNotFoundPage checks that an unknown address gets a real, accessible
// page with a 404 status rather than a bare error.
func TestNotFoundPage(t *testing.T) {
	requireTools(t)
	base := startServer(t)
	ctx := newBrowser(t)

	url := base + "/no-such-page"
	if status := navigate(ctx, t, url); status != http.StatusNotFound {
		t.Errorf("GET /no-such-page status = %d, want 404", status)
	}
	if h1Text(ctx, t) == "" {
		t.Error("the 404 page has no h1 text")
	}
	runAxe(ctx, t)
	assertNoConsoleErrors(ctx, t, url) // the 404 of the page itself is expected
}
