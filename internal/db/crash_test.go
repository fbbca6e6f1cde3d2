package db_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"climatevolunteers/internal/db"
	"climatevolunteers/internal/db/dbtest"
)

// The crash writer runs in a child process (this test binary re-executed):
// it commits rows one by one and prints each key once its commit returned.
const crashEnv = "CV_CRASH_WRITER"

func TestMain(m *testing.M) {
	if spec := os.Getenv(crashEnv); spec != "" {
		crashWriter(spec)
		return
	}
	os.Exit(m.Run())
}

func crashWriter(spec string) {
	ctx := context.Background()
	opts := db.Options{DataDir: spec}
	if strings.HasPrefix(spec, "postgres") {
		opts = db.Options{DatabaseURL: spec}
	}
	d, err := db.Open(ctx, opts)
	if err != nil {
		fmt.Println("error", err)
		os.Exit(1)
	}
	if _, err := d.Migrate(ctx); err != nil {
		fmt.Println("error", err)
		os.Exit(1)
	}
	out := bufio.NewWriter(os.Stdout)
	for i := 0; ; i++ {
		key := "crash-" + strconv.Itoa(i)
		err := d.Tx(ctx, func(tx *db.Tx) error {
			_, err := tx.Exec(ctx, "INSERT INTO app_meta (key, value, updated_at) VALUES (?, ?, ?)", key, "v", time.Now().UTC())
			return err
		})
		if err != nil {
			fmt.Fprintln(out, "error", err)
			out.Flush()
			os.Exit(1)
		}
		fmt.Fprintln(out, "committed", key)
		out.Flush()
	}
}

// A process killed with SIGKILL in the middle of a stream of writes loses none
// of those whose commit had returned.
func TestCommittedWritesSurviveSIGKILL(t *testing.T) {
	for _, e := range dbtest.Engines() {
		t.Run(string(e), func(t *testing.T) {
			spec := t.TempDir()
			if e == db.Postgres {
				spec = dbtest.FreshSchema(t)
			}
			cmd := exec.Command(os.Args[0], "-test.run=^$")
			cmd.Env = append(os.Environ(), crashEnv+"="+spec)
			stdout, err := cmd.StdoutPipe()
			if err != nil {
				t.Fatal(err)
			}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			var committed []string
			sc := bufio.NewScanner(stdout)
			for sc.Scan() && len(committed) < 300 {
				line := sc.Text()
				key, ok := strings.CutPrefix(line, "committed ")
				if !ok {
					cmd.Process.Kill()
					t.Fatalf("writer said %q", line)
				}
				committed = append(committed, key)
			}
			// Killed while it keeps writing: the next commit may be half done.
			if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
				t.Fatal(err)
			}
			cmd.Wait()
			if len(committed) < 300 {
				t.Fatalf("writer stopped after %d commits", len(committed))
			}

			opts := db.Options{DataDir: spec}
			if e == db.Postgres {
				opts = db.Options{DatabaseURL: spec}
			}
			d, err := db.Open(context.Background(), opts)
			if err != nil {
				t.Fatal(err)
			}
			defer d.Close()
			for _, key := range committed {
				var n int
				if err := d.QueryRow(context.Background(), "SELECT COUNT(*) FROM app_meta WHERE key = ?", key).Scan(&n); err != nil {
					t.Fatal(err)
				}
				if n != 1 {
					t.Fatalf("committed row %s lost after SIGKILL", key)
				}
			}
		})
	}
}
