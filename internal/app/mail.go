package app

import (
	"context"
	"fmt"
	"log/slog"

	"climatevolunteers/internal/config"
	"climatevolunteers/internal/db"
	"climatevolunteers/internal/outbox"
)

// newMailer sends through SMTP when configured; otherwise mails are only
// logged (without recipient or body) and readable on the admin outbox page.
func newMailer(cfg config.Config, log *slog.Logger) (outbox.Mailer, error) {
	if cfg.SMTPURL == "" {
		return outbox.NewLogMailer(log), nil
	}
	sc, err := outbox.ParseSMTPURL(cfg.SMTPURL)
	if err != nil {
		return nil, fmt.Errorf("smtp-url: %w", err)
	}
	return outbox.NewSMTPMailer(sc)
}

// newSMSSender posts to the SMS gateway when configured; otherwise text
// messages are only logged (without number or text).
func newSMSSender(cfg config.Config, log *slog.Logger) (outbox.SMSSender, error) {
	if cfg.SMSURL == "" {
		return outbox.NewLogSMSSender(log), nil
	}
	return outbox.NewHTTPSMSSender(cfg.SMSURL)
}

// templateMailer renders a feature's mail templates in the person's language
// and queues the mail in the outbox, in the caller's transaction.
type templateMailer struct {
	templates *outbox.MailTemplates
	notify    func()
}

func (m templateMailer) Queue(ctx context.Context, tx *db.Tx, key, template, to, lang string, data any) error {
	e, err := m.templates.Render(template, lang, data)
	if err != nil {
		return err
	}
	e.To = to // Render set Lang to the language it could use
	if _, _, err := outbox.EnqueueEmail(ctx, tx, key, e); err != nil {
		return err
	}
	if m.notify != nil {
		tx.AfterCommit(m.notify)
	}
	return nil
}
