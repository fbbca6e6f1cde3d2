package main

import (
	"bufio"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"

	"climatevolunteers/internal/app"
	"climatevolunteers/internal/auth"
	"climatevolunteers/internal/auth/password"
	"climatevolunteers/internal/web/i18n"
)

const userUsage = `usage:
  climatevolunteers user create --email E [--role R] [--lang fr|en]
      the password is read from standard input when it is piped, otherwise one
      is generated and printed once
  climatevolunteers user role --email E --role R

roles: volunteer, coordinator, moderator, partner, admin`

func user(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 || (args[0] != "create" && args[0] != "role") {
		fmt.Fprintln(stderr, userUsage)
		return usageError{errors.New("user needs create or role")}
	}
	sub := args[0]
	fs, cfg := storageFlags("user "+sub, stderr)
	email := fs.String("email", "", "the account's email address")
	roleName := fs.String("role", "", "volunteer, coordinator, moderator, partner or admin")
	lang := fs.String("lang", "fr", "language of the account's mails (fr or en)")
	if err := parseFlags(fs, cfg, args[1:], getenv); err != nil {
		return err
	}
	if *email == "" || fs.NArg() > 0 {
		fmt.Fprintln(stderr, userUsage)
		return usageError{errors.New("--email is required")}
	}
	if sub == "create" && *roleName == "" {
		*roleName = string(auth.RoleVolunteer)
	}
	role, err := auth.ParseRole(*roleName)
	if err != nil {
		return usageError{err}
	}
	if *lang != "fr" && *lang != "en" {
		return usageError{errors.New("--lang must be fr or en")}
	}
	d, err := app.Open(ctx, *cfg)
	if err != nil {
		return err
	}
	defer d.Close()
	// These commands send no mail: the service gets no mailer.
	svc := auth.NewService(d, nil, "", slog.New(slog.DiscardHandler))

	if sub == "role" {
		u, err := svc.Store().UserByEmail(ctx, *email)
		if errors.Is(err, auth.ErrNotFound) {
			return fmt.Errorf("no account uses %s", auth.NormaliseEmail(*email))
		}
		if err != nil {
			return err
		}
		if err := svc.SetRole(ctx, 0, u.ID, role, auth.Meta{}); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "%s is now %s\n", u.Email, role)
		return nil
	}

	pw, generated, err := readOrGeneratePassword(stdin)
	if err != nil {
		return err
	}
	if _, err := svc.CreateUser(ctx, *email, pw, role, *lang); err != nil {
		if errors.Is(err, auth.ErrEmailTaken) {
			return fmt.Errorf("an account already uses %s", auth.NormaliseEmail(*email))
		}
		var pe *password.PolicyError
		if errors.As(err, &pe) {
			if cat, cerr := i18n.New(password.Locales); cerr == nil {
				return fmt.Errorf("password refused: %s", cat.T("en", pe.Key, pe.Args...))
			}
		}
		return err
	}
	fmt.Fprintf(stdout, "created %s as %s\n", auth.NormaliseEmail(*email), role)
	if generated {
		fmt.Fprintf(stdout, "password (shown once, keep it safe): %s\n", pw)
	}
	return nil
}

// readOrGeneratePassword takes the first line of a piped standard input, or
// makes a random password when standard input is a terminal or empty.
func readOrGeneratePassword(stdin io.Reader) (string, bool, error) {
	if f, ok := stdin.(*os.File); ok {
		if fi, err := f.Stat(); err == nil && fi.Mode()&os.ModeCharDevice != 0 {
			return generatePassword(), true, nil
		}
	}
	line, err := bufio.NewReader(stdin).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", false, err
	}
	if pw := strings.TrimRight(line, "\r\n"); pw != "" {
		return pw, false, nil
	}
	return generatePassword(), true, nil
}

// generatePassword gives 20 characters from an alphabet without look-alikes.
func generatePassword() string {
	const alphabet = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
	b := make([]byte, 20)
	rand.Read(b)
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b)
}
