// Command climatevolunteers is the whole platform in one program.
//
//	climatevolunteers [serve] [flags]   serve the platform (the default)
//	climatevolunteers migrate [flags]   apply pending database migrations
//	climatevolunteers backup FILE       copy the SQLite database while it runs
//	climatevolunteers user create|role  manage accounts from the command line
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
	_ "time/tzdata" // time zones on machines without them
)

// Exit codes: 2 for usage errors, 1 for failures.
const (
	exitFailure = 1
	exitUsage   = 2
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr))
}

const usage = `usage: climatevolunteers [command] [flags]

commands:
  serve     serve the platform (the default when no command is given)
  migrate   apply pending database migrations and exit
  backup    write a consistent copy of the SQLite database to FILE
  user      create an account or change its role (user create, user role)
  import    load data: import districts FILE.geojson, import cool-places FILE.csv
  keys      rotate the keys that seal the registry, and reseal it (keys rotate)
  version   print the schema versions this program knows

Run "climatevolunteers COMMAND -h" for a command's flags.
`

func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) int {
	cmd := "serve"
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		cmd, args = args[0], args[1:]
	}
	var err error
	switch cmd {
	case "serve":
		err = serve(ctx, args, getenv, stderr)
	case "migrate":
		err = migrate(ctx, args, getenv, stdout, stderr)
	case "backup":
		err = backup(ctx, args, getenv, stdout, stderr)
	case "import":
		err = importCmd(ctx, args, getenv, stdout, stderr)
	case "user":
		err = user(ctx, args, getenv, stdin, stdout, stderr)
	case "keys":
		err = keysCmd(ctx, args, getenv, stdout, stderr)
	case "version":
		err = version(stdout)
	case "help", "-h", "--help":
		fmt.Fprint(stderr, usage)
		return 0
	default:
		fmt.Fprintf(stderr, "climatevolunteers: unknown command %q\n\n%s", cmd, usage)
		return exitUsage
	}
	var ue usageError
	switch {
	case err == nil:
		return 0
	case errors.Is(err, flag.ErrHelp):
		return 0
	case errors.As(err, &ue):
		fmt.Fprintf(stderr, "climatevolunteers %s: %v\n", cmd, ue.error)
		return exitUsage
	default:
		fmt.Fprintf(stderr, "climatevolunteers %s: %v\n", cmd, err)
		return exitFailure
	}
}

// usageError marks mistakes in the command line (exit code 2).
type usageError struct{ error }
