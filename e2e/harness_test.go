package e2e

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// testTimeout bounds the browser part of one test, so that a page that never
// loads fails the test instead of hanging until go test's global timeout.
const testTimeout = 60 * time.Second

// requireTool skips the test when a tool is missing, except under CV_E2E=1
// (CI), where a skip would hide that the browser tests did not run.
func requireTool(t *testing.T, format string, args ...any) {
	t.Helper()
	msg := fmt.Sprintf(format, args...)
	if os.Getenv("CV_E2E") == "1" {
		t.Fatal(msg)
	}
	t.Skip(msg + " (set CV_E2E=1 to fail instead of skipping)")
}

// The server binary is built once per test run, and only by the first test
// that needs it, so that a run without a browser skips without building.
var build struct {
	once sync.Once
	dir  string
	bin  string
	err  error
}

func TestMain(m *testing.M) {
	code := m.Run()
	if build.dir != "" {
		os.RemoveAll(build.dir)
	}
	os.Exit(code)
}

func serverBinary(t *testing.T) string {
	t.Helper()
	if bin := os.Getenv("CV_E2E_BIN"); bin != "" {
		return bin
	}
	build.once.Do(func() {
		root, err := moduleRoot()
		if err != nil {
			build.err = err
			return
		}
		if build.dir, err = os.MkdirTemp("", "cv-e2e-"); err != nil {
			build.err = err
			return
		}
		bin := filepath.Join(build.dir, "climatevolunteers")
		cmd := exec.Command("go", "build", "-o", bin, "./cmd/climatevolunteers")
		cmd.Dir = root
		if out, err := cmd.CombinedOutput(); err != nil {
			build.err = fmt.Errorf("building the server: %v\n%s", err, out)
			return
		}
		build.bin = bin
	})
	if build.err != nil {
		t.Fatal(build.err)
	}
	return build.bin
}

// moduleRoot walks up from the working directory (the package folder under
// go test) to the folder of go.mod.
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod above the working directory")
		}
		dir = parent
	}
}

// lockedBuffer collects the output of a process, which the exec package
// writes from its own goroutines while the test may read it.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// freeAddr asks the kernel for a free port. The port is free again when the
// server binds it; the small race with other processes is accepted.
func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// startServer runs the server with demo data in a fresh data folder and
// returns its base URL once /healthz answers 200. args are more serve flags,
// such as --smtp-url. The server gets SIGTERM when the test ends, and is
// killed if it has not stopped 10 s later.
func startServer(t *testing.T, args ...string) string {
	t.Helper()
	// The folder is made before startServerIn registers its Cleanup, so it is
	// removed after the server stopped.
	return startServerIn(t, t.TempDir(), args...)
}

// startServerIn is startServer on a data folder that the test prepared, for
// example with runCommand; make it with t.TempDir before calling, so that it
// outlives the server.
func startServerIn(t *testing.T, dataDir string, args ...string) string {
	t.Helper()
	bin := serverBinary(t)
	addr := freeAddr(t)

	ctx, stop := context.WithCancel(context.Background())
	argv := append([]string{"serve", "--addr", addr, "--data-dir", dataDir, "--demo"}, args...)
	cmd := exec.CommandContext(ctx, bin, argv...)
	cmd.Cancel = func() error { return cmd.Process.Signal(syscall.SIGTERM) }
	cmd.WaitDelay = 10 * time.Second
	var out lockedBuffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		stop()
		t.Fatalf("starting %s: %v", bin, err)
	}
	exited := make(chan struct{})
	var waitErr error
	go func() {
		waitErr = cmd.Wait()
		close(exited)
	}()
	t.Cleanup(func() {
		stop()
		<-exited
		// context.Canceled is Wait's answer for a clean exit after SIGTERM.
		if waitErr != nil && !errors.Is(waitErr, context.Canceled) {
			t.Logf("server stopped with: %v", waitErr)
		}
		if t.Failed() {
			t.Logf("server %s output:\n%s", strings.Join(argv, " "), out.String())
		}
	})

	base := "http://" + addr
	client := &http.Client{Timeout: 2 * time.Second}
	deadline := time.Now().Add(15 * time.Second)
	var lastErr error
	for {
		// Until this server logs that it serves base, an answer there
		// would come from some other process that took the port.
		resp, err := client.Get(base + "/healthz")
		if err == nil && !strings.Contains(out.String(), base) {
			resp.Body.Close()
			err = errors.New("another process answers on the port")
		} else if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return base
			}
			err = fmt.Errorf("status %s", resp.Status)
		}
		lastErr = err
		select {
		case <-exited:
			t.Fatalf("server exited before /healthz answered: %v", waitErr)
		case <-time.After(100 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("GET %s/healthz still failing after 15 s: %v", base, lastErr)
		}
	}
}

// runCommand runs the server binary with args (a command other than serve,
// such as "user create"), stdin as its standard input, and returns its
// standard output. It fails the test if the command fails or takes longer
// than 30 s.
func runCommand(t *testing.T, stdin string, args ...string) string {
	t.Helper()
	bin := serverBinary(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Stdin = strings.NewReader(stdin)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s %s: %v\nstdout:\n%s\nstderr:\n%s", bin, strings.Join(args, " "), err, stdout.String(), stderr.String())
	}
	return stdout.String()
}

// newBrowser starts a headless Chromium for the test and returns the context
// of its first tab, with console errors recorded (see assertNoConsoleErrors).
// The browser speaks French, like the site's main audience, so that the tests
// do not depend on Chromium's default Accept-Language (en-US).
func newBrowser(t *testing.T) context.Context {
	t.Helper()
	return newBrowserWithin(t, testTimeout)
}

// newBrowserWithin is newBrowser for a journey that needs more than
// testTimeout in all.
func newBrowserWithin(t *testing.T, timeout time.Duration) context.Context {
	t.Helper()
	exe := chromiumPath(t)
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(exe),
		chromedp.Headless,
		chromedp.NoSandbox, // CI runs as root, where Chromium refuses its sandbox
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		// No traffic of the browser's own: the machine has no network beyond
		// loopback, and stray requests only slow the start.
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-default-apps", true),
		chromedp.Flag("lang", "fr-FR"),
		chromedp.Flag("accept-lang", "fr-FR,fr"),
		chromedp.UserDataDir(t.TempDir()),
	)
	// The timeout covers the whole browser, which lives only for this test.
	tctx, cancelTimeout := context.WithTimeout(context.Background(), timeout)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(tctx, opts...)
	ctx, cancelBrowser := chromedp.NewContext(allocCtx)
	t.Cleanup(func() {
		cancelBrowser()
		cancelAlloc()
		cancelTimeout()
	})
	return watchConsole(t, ctx)
}

// newTab opens another tab of the browser of parent, for example in a fresh
// browser context (no cookies) with chromedp.WithNewBrowserContext().
func newTab(t *testing.T, parent context.Context, opts ...chromedp.ContextOption) context.Context {
	t.Helper()
	ctx, cancel := chromedp.NewContext(parent, opts...)
	t.Cleanup(cancel)
	return watchConsole(t, ctx)
}

// consoleEntry is one error that a tab reported.
type consoleEntry struct {
	kind string // "console.error", "exception" or "log/<source>"
	text string
	url  string
}

func (e consoleEntry) String() string {
	if e.url == "" {
		return e.kind + ": " + e.text
	}
	return fmt.Sprintf("%s: %s (%s)", e.kind, e.text, e.url)
}

type consoleLog struct {
	mu      sync.Mutex
	entries []consoleEntry
}

type consoleKey struct{}

// watchConsole starts the tab of ctx and records its console errors, uncaught
// exceptions and browser log errors. The log domain matters: CSP violations
// and failed subresource loads are reported there, not as console calls.
func watchConsole(t *testing.T, ctx context.Context) context.Context {
	t.Helper()
	c := &consoleLog{}
	err := chromedp.Listen(ctx, func(ev any) {
		if e, ok := consoleError(ev); ok {
			c.mu.Lock()
			c.entries = append(c.entries, e)
			c.mu.Unlock()
		}
	})
	if err == nil {
		// chromedp enables the log domain itself today; say it explicitly
		// since the CSP checks depend on it.
		_, err = chromedp.Call(ctx, log.Enable, cdp.Empty{})
	}
	if err != nil {
		t.Fatalf("starting the browser: %v", err)
	}
	return context.WithValue(ctx, consoleKey{}, c)
}

func consoleError(ev any) (consoleEntry, bool) {
	switch ev := ev.(type) {
	case *runtime.EventConsoleAPICalled:
		if ev.Type != runtime.ConsoleAPICalledTypeError && ev.Type != runtime.ConsoleAPICalledTypeAssert {
			return consoleEntry{}, false
		}
		var parts []string
		for _, a := range ev.Args {
			if len(a.Value) > 0 {
				parts = append(parts, string(a.Value))
			} else {
				parts = append(parts, a.Description)
			}
		}
		e := consoleEntry{kind: "console." + string(ev.Type), text: strings.Join(parts, " ")}
		if st := ev.StackTrace; st != nil && len(st.CallFrames) > 0 {
			e.url = fmt.Sprintf("%s:%d", st.CallFrames[0].URL, st.CallFrames[0].LineNumber+1)
		}
		return e, true
	case *runtime.EventExceptionThrown:
		d := ev.ExceptionDetails
		text := d.Text
		if d.Exception != nil && d.Exception.Description != "" {
			text += " " + d.Exception.Description
		}
		return consoleEntry{kind: "exception", text: text, url: fmt.Sprintf("%s:%d", d.URL, d.LineNumber+1)}, true
	case *log.EventEntryAdded:
		if ev.Entry.Level != log.EntryLevelError {
			return consoleEntry{}, false
		}
		return consoleEntry{kind: "log/" + string(ev.Entry.Source), text: ev.Entry.Text, url: ev.Entry.URL}, true
	}
	return consoleEntry{}, false
}

// assertNoConsoleErrors fails the test for each error that the tab of ctx
// reported so far. Any failed subresource load counts, /favicon.ico included;
// a failed load of one of expectedFailedURLs does not (Chromium logs the 404
// status of a 404 page's own document as an error, though not always).
func assertNoConsoleErrors(ctx context.Context, t *testing.T, expectedFailedURLs ...string) {
	t.Helper()
	c, ok := ctx.Value(consoleKey{}).(*consoleLog)
	if !ok {
		t.Fatal("assertNoConsoleErrors: the context does not come from newBrowser or newTab")
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, e := range c.entries {
		if e.kind == "log/"+string(log.EntrySourceNetwork) && slices.Contains(expectedFailedURLs, e.url) {
			continue
		}
		t.Errorf("browser console error: %s", e)
	}
}

// axeSource reads axe.min.js once per test run.
var axeSource = sync.OnceValues(func() ([]byte, error) {
	path := os.Getenv("CV_AXE_JS")
	if path == "" {
		root, err := moduleRoot()
		if err != nil {
			return nil, err
		}
		path = filepath.Join(root, "e2e", ".axe", "node_modules", "axe-core", "axe.min.js")
	}
	return os.ReadFile(path)
})

// requireTools is called at the start of a browser test, so that a missing
// Chromium or axe-core skips it before the server is built and started.
func requireTools(t *testing.T) {
	t.Helper()
	chromiumPath(t)
	if _, err := axeSource(); err != nil {
		requireTool(t, "axe-core missing (npm install --prefix e2e/.axe axe-core@4, or set CV_AXE_JS): %v", err)
	}
}

func chromiumPath(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	requireTool(t, "no chromium, chromium-browser or google-chrome on PATH")
	return ""
}

type axeViolation struct {
	ID     string   `json:"id"`
	Impact string   `json:"impact"`
	Help   string   `json:"help"`
	URL    string   `json:"helpUrl"`
	Nodes  []string `json:"nodes"`
}

// axeRun keeps the result small: the full result of axe.run is large, and
// only the violations are needed to report a failure.
const axeRun = `axe.run(document, {runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}})
.then(r => r.violations.map(v => ({
	id: v.id, impact: v.impact || "", help: v.help, helpUrl: v.helpUrl,
	nodes: v.nodes.map(n => n.target.map(s => [].concat(s).join(" >>> ")).join(", ") + "  " + n.html.slice(0, 160)),
})))`

// runAxe checks the current page of ctx against WCAG 2.1 A and AA and reports
// each violation as a test error. axe is injected with Runtime.evaluate, which
// the page's Content-Security-Policy does not apply to.
func runAxe(ctx context.Context, t *testing.T) {
	t.Helper()
	src, err := axeSource()
	if err != nil {
		t.Fatalf("reading axe.min.js: %v", err)
	}
	loaded, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`typeof window.axe === "object"`))
	if err == nil && !loaded {
		_, err = chromedp.Run(ctx, chromedp.Evaluate[chromedp.Void](string(src)))
	}
	if err != nil {
		t.Fatalf("loading axe into the page: %v", err)
	}
	violations, err := chromedp.Run(ctx, chromedp.Evaluate[[]axeViolation](axeRun, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("running axe: %v", err)
	}
	page := evalJS[string](ctx, t, `location.pathname`)
	for _, v := range violations {
		t.Errorf("axe on %s: %s (%s): %s\n  %s\n  %s", page, v.ID, v.Impact, v.Help, v.URL, strings.Join(v.Nodes, "\n  "))
	}
}

// evalJS evaluates a JavaScript expression in the page and decodes its value.
func evalJS[T any](ctx context.Context, t *testing.T, expr string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		t.Fatalf("evaluating %s: %v", expr, err)
	}
	return v
}

// navigate loads url in the tab of ctx, waits for the load event and returns
// the HTTP status of the document.
func navigate(ctx context.Context, t *testing.T, url string) int64 {
	t.Helper()
	resp, err := chromedp.Run(ctx, chromedp.NavigateResponse(url))
	if err != nil {
		t.Fatalf("navigating to %s: %v", url, err)
	}
	if resp == nil {
		t.Fatalf("navigating to %s: no response for the document", url)
	}
	return resp.Status
}

// setAcceptLanguage makes the tab of ctx send this Accept-Language header,
// which overrides the browser's own.
func setAcceptLanguage(ctx context.Context, t *testing.T, value string) {
	t.Helper()
	_, err := chromedp.Call(ctx, network.SetExtraHTTPHeaders,
		network.SetExtraHTTPHeadersParams{Headers: network.Headers{"Accept-Language": value}})
	if err != nil {
		t.Fatalf("setting Accept-Language: %v", err)
	}
}

// pageLang is the language the page declares, which screen readers use.
func pageLang(ctx context.Context, t *testing.T) string {
	return evalJS[string](ctx, t, `document.documentElement.lang`)
}

// h1Text is the text of the page's first h1, or "" when it has none.
func h1Text(ctx context.Context, t *testing.T) string {
	return evalJS[string](ctx, t, `(document.querySelector("h1")?.textContent ?? "").trim()`)
}
