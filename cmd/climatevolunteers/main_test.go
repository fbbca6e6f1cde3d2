package main

import (
	"bytes"
	"database/sql"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"climatevolunteers/internal/db/dbtest"
)

// The test binary doubles as the program: with CV_TEST_RUN_MAIN set it runs
// main, so process-level tests need no separate build.
func TestMain(m *testing.M) {
	if os.Getenv("CV_TEST_RUN_MAIN") == "1" {
		main()
		return
	}
	os.Exit(m.Run())
}

func command(args ...string) *exec.Cmd {
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), "CV_TEST_RUN_MAIN=1")
	return cmd
}

func runCmd(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	cmd := command(args...)
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code = cmd.ProcessState.ExitCode()
	if err != nil && code == -1 {
		t.Fatal(err)
	}
	return code, out.String(), errb.String()
}

func TestUsageErrorsExitWith2(t *testing.T) {
	cases := [][]string{
		{"frobnicate"},
		{"--no-such-flag"},
		{"serve", "--addr", "not-an-address"},
		{"migrate", "--bogus"},
		{"backup"},
	}
	for _, args := range cases {
		code, _, stderr := runCmd(t, args...)
		if code != 2 || stderr == "" || strings.Contains(stderr, "goroutine") {
			t.Errorf("%v: exit %d, stderr %q", args, code, stderr)
		}
	}
	code, _, stderr := runCmd(t, "frobnicate")
	if code != 2 || !strings.Contains(stderr, "usage:") {
		t.Errorf("unknown command does not print usage: %q", stderr)
	}
	// Usage printed after a mistake never shows a password from the environment.
	for _, args := range [][]string{{"--typo"}, {"migrate", "--typo"}, {"backup", "--typo"}} {
		cmd := command(args...)
		cmd.Env = append(cmd.Env, "CV_DATABASE_URL=postgres://cv:TOPSECRET@127.0.0.1:1/cv")
		var errb bytes.Buffer
		cmd.Stderr = &errb
		cmd.Run()
		if cmd.ProcessState.ExitCode() != 2 || strings.Contains(errb.String(), "TOPSECRET") {
			t.Errorf("%v: exit %d, stderr:\n%s", args, cmd.ProcessState.ExitCode(), errb.String())
		}
	}
}

func TestStartFailuresAreOneClearLine(t *testing.T) {
	file := filepath.Join(t.TempDir(), "file")
	os.WriteFile(file, nil, 0o600)
	cases := map[string][]string{
		"unwritable data dir":    {"--data-dir", filepath.Join(file, "data"), "--addr", "127.0.0.1:0"},
		"unreachable PostgreSQL": {"--database-url", "postgres://cv:pw@127.0.0.1:1/cv?connect_timeout=2", "--addr", "127.0.0.1:0"},
	}
	for name, args := range cases {
		code, _, stderr := runCmd(t, args...)
		lines := strings.Split(strings.TrimSpace(stderr), "\n")
		if code != 1 || len(lines) != 1 || strings.Contains(stderr, "goroutine") || strings.Contains(stderr, ":pw@") {
			t.Errorf("%s: exit %d, stderr:\n%s", name, code, stderr)
		}
	}
}

type server struct {
	cmd  *exec.Cmd
	url  string
	logs *lockedBuffer
	done chan struct{}
}

// lockedBuffer holds a server's logs, written by the command's copier while
// the test reads them.
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

func freeAddr(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// startServer runs the binary on a free port. The port is only known free
// when picked: another test's server may take it while this one loads its
// data, so a server counts as ready only once its own log says it serves
// there, and one that could not listen is started again on another port.
func startServer(t *testing.T, args ...string) *server {
	t.Helper()
	for range 3 {
		if s, taken := tryServer(t, args...); !taken {
			return s
		}
	}
	t.Fatal("no free port after 3 tries")
	return nil
}

func tryServer(t *testing.T, args ...string) (s *server, portTaken bool) {
	t.Helper()
	addr := freeAddr(t)
	s = &server{url: "http://" + addr, logs: &lockedBuffer{}, done: make(chan struct{})}
	s.cmd = command(append([]string{"serve", "--addr", addr}, args...)...)
	s.cmd.Stderr = s.logs
	if err := s.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { s.cmd.Wait(); close(s.done) }()
	t.Cleanup(func() {
		s.cmd.Process.Kill()
		<-s.done
	})
	// Loading the whole demo on PostgreSQL while the rest of CI runs in
	// parallel can take well over 20 s on two cores: this is a start-up
	// timeout, not a measurement (docs/performance.md has those).
	deadline := time.Now().Add(90 * time.Second)
	for {
		if strings.Contains(s.logs.String(), s.url) { // the "serving" line, text or JSON
			if resp, err := http.Get(s.url + "/readyz"); err == nil {
				resp.Body.Close()
				if resp.StatusCode == 200 {
					return s, false
				}
			}
		}
		select {
		case <-s.done:
			if strings.Contains(s.logs.String(), "cannot listen") {
				return nil, true
			}
			t.Fatalf("server exited at start:\n%s", s.logs)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("server not ready:\n%s", s.logs)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// The demo data committed at start survives a SIGKILL of the server, and a
// second start with --demo loads nothing again.
func TestServerKilledKeepsCommittedData(t *testing.T) {
	dir := t.TempDir()
	s := startServer(t, "--data-dir", dir, "--demo")
	if _, body := get(t, s.url+"/districts"); strings.Count(body, `<th scope="row">`) != 21 {
		t.Fatalf("districts page before the kill:\n%s", body)
	}
	s.cmd.Process.Signal(syscall.SIGKILL)
	<-s.done

	s = startServer(t, "--data-dir", dir, "--demo", "--log-format", "json")
	_, body := get(t, s.url+"/districts")
	if !strings.Contains(body, "Ménilmontant") || strings.Count(body, `<th scope="row">`) != 21 {
		t.Fatalf("districts lost after SIGKILL:\n%s", body)
	}
	if strings.Contains(s.logs.String(), "demo data loaded") {
		t.Error("demo data loaded a second time")
	}
}

// SIGTERM stops the server cleanly (exit 0).
func TestSIGTERMStopsCleanly(t *testing.T) {
	s := startServer(t, "--data-dir", t.TempDir())
	s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.done:
	case <-time.After(15 * time.Second):
		t.Fatal("server did not stop on SIGTERM")
	}
	if code := s.cmd.ProcessState.ExitCode(); code != 0 {
		t.Fatalf("exit code %d after SIGTERM:\n%s", code, s.logs)
	}
}

// backup copies the database while the server runs, and refuses to
// overwrite a file.
func TestBackupWhileServing(t *testing.T) {
	dir := t.TempDir()
	startServer(t, "--data-dir", dir, "--demo")
	target := filepath.Join(t.TempDir(), "copy.db")
	code, stdout, stderr := runCmd(t, "backup", "--data-dir", dir, target)
	if code != 0 || !strings.Contains(stdout, "backup written") {
		t.Fatalf("backup: exit %d\n%s%s", code, stdout, stderr)
	}
	copyDB, err := sql.Open("sqlite", "file:"+target+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer copyDB.Close()
	var n int
	if err := copyDB.QueryRow("SELECT COUNT(*) FROM districts").Scan(&n); err != nil || n != 20 {
		t.Fatalf("backup holds %d districts (%v)", n, err)
	}
	if fi, err := os.Stat(target); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("backup file mode: %v %v", fi.Mode(), err)
	}
	if code, _, stderr := runCmd(t, "backup", "--data-dir", dir, target); code != 1 || !strings.Contains(stderr, "already exists") {
		t.Errorf("overwrite: exit %d, %q", code, stderr)
	}
	code, _, stderr = runCmd(t, "backup", "--database-url", "postgres://x@127.0.0.1:1/x", filepath.Join(t.TempDir(), "pg"))
	if code != 1 || !strings.Contains(stderr, "pg_dump") {
		t.Errorf("PostgreSQL backup: exit %d, %q", code, stderr)
	}
}

func TestMigrateCommand(t *testing.T) {
	dir := t.TempDir()
	code, stdout, _ := runCmd(t, "migrate", "--data-dir", dir)
	if code != 0 || !strings.Contains(stdout, "applied migrations") {
		t.Fatalf("first migrate: %d %q", code, stdout)
	}
	code, stdout, _ = runCmd(t, "migrate", "--data-dir", dir)
	if code != 0 || !strings.Contains(stdout, "up to date") {
		t.Fatalf("second migrate: %d %q", code, stdout)
	}
	if url := os.Getenv(dbtest.PostgresURLEnv); url != "" {
		code, stdout, stderr := runCmd(t, "migrate", "--database-url", dbtest.FreshSchema(t))
		if code != 0 || !strings.Contains(stdout, "applied migrations") {
			t.Fatalf("migrate on PostgreSQL: %d %q %q", code, stdout, stderr)
		}
	}
}

// A server on PostgreSQL serves the demo too (CI sets the URL).
func TestServeOnPostgres(t *testing.T) {
	if os.Getenv(dbtest.PostgresURLEnv) == "" {
		t.Skip(dbtest.PostgresURLEnv + " is not set")
	}
	s := startServer(t, "--database-url", dbtest.FreshSchema(t), "--data-dir", t.TempDir(), "--demo")
	code, body := get(t, s.url+"/readyz")
	if code != 200 || !strings.Contains(body, "postgres") {
		t.Fatalf("readyz: %d %s", code, body)
	}
	if _, body := get(t, s.url+"/districts"); !strings.Contains(body, "Ménilmontant") {
		t.Fatal("demo districts missing on PostgreSQL")
	}
}

func TestUserCommands(t *testing.T) {
	dir := t.TempDir()
	create := func(stdin string, args ...string) (int, string, string) {
		cmd := command(append([]string{"user", "create", "--data-dir", dir}, args...)...)
		cmd.Stdin = strings.NewReader(stdin)
		var out, errb bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errb
		cmd.Run()
		return cmd.ProcessState.ExitCode(), out.String(), errb.String()
	}
	code, out, stderr := create("le grand tilleul du square\n", "--email", "Admin@Example.org", "--role", "admin")
	if code != 0 || !strings.Contains(out, "created admin@example.org as admin") || strings.Contains(out, "tilleul") {
		t.Fatalf("create with piped password: %d %q %q", code, out, stderr)
	}
	code, out, _ = create("", "--email", "gen@example.org")
	if code != 0 || !strings.Contains(out, "as volunteer") || !strings.Contains(out, "password (shown once") {
		t.Fatalf("create with a generated password: %d %q", code, out)
	}
	if code, _, stderr := create("le grand tilleul du square\n", "--email", "admin@example.org"); code != 1 || !strings.Contains(stderr, "already uses") {
		t.Errorf("duplicate: %d %q", code, stderr)
	}
	if code, _, stderr := create("motdepasse\n", "--email", "weak@example.org"); code != 1 || !strings.Contains(stderr, "password refused") {
		t.Errorf("weak password: %d %q", code, stderr)
	}
	if code, _, _ := create("x\n", "--email", "x@example.org", "--role", "emperor"); code != 2 {
		t.Errorf("unknown role: exit %d, want 2", code)
	}
	if code, out, _ := runCmd(t, "user", "role", "--data-dir", dir, "--email", "gen@example.org", "--role", "coordinator"); code != 0 || !strings.Contains(out, "now coordinator") {
		t.Errorf("role: %d %q", code, out)
	}
	if code, _, stderr := runCmd(t, "user", "role", "--data-dir", dir, "--email", "nobody@example.org", "--role", "admin"); code != 1 || !strings.Contains(stderr, "no account") {
		t.Errorf("role for an unknown account: %d %q", code, stderr)
	}
	if code, _, _ := runCmd(t, "user"); code != 2 {
		t.Errorf("user without a subcommand: exit %d", code)
	}
}
