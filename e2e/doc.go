// Package e2e holds the browser tests of the whole server: they build the real
// binary, start it on a free port with demo data and drive headless Chromium
// through it with chromedp, checking accessibility with axe-core and that the
// pages log no console errors.
//
// The tests skip when Chromium or axe-core is missing, unless CV_E2E=1 is set,
// in which case a missing tool fails them (CI sets it, so the tests cannot
// silently skip there). CV_AXE_JS names axe.min.js; the default is
// e2e/.axe/node_modules/axe-core/axe.min.js, which .ci/run installs with npm.
// CV_E2E_BIN names a server binary to test instead of building
// ./cmd/climatevolunteers.
package e2e
