// Package app wires the platform together: config -> database -> services ->
// HTTP handler. It holds no logic of its own.
package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"

	"climatevolunteers/internal/alerts"
	"climatevolunteers/internal/api"
	"climatevolunteers/internal/audit"
	"climatevolunteers/internal/auth"
	"climatevolunteers/internal/auth/password"
	"climatevolunteers/internal/config"
	"climatevolunteers/internal/coolplaces"
	"climatevolunteers/internal/db"
	"climatevolunteers/internal/demo"
	"climatevolunteers/internal/districts"
	"climatevolunteers/internal/events"
	"climatevolunteers/internal/home"
	"climatevolunteers/internal/initiatives"
	"climatevolunteers/internal/messages"
	"climatevolunteers/internal/ops"
	"climatevolunteers/internal/outbox"
	"climatevolunteers/internal/plan/actions"
	"climatevolunteers/internal/plan/committees"
	"climatevolunteers/internal/plan/dashboard"
	"climatevolunteers/internal/plan/history"
	"climatevolunteers/internal/plan/indicators"
	"climatevolunteers/internal/plan/questions"
	"climatevolunteers/internal/sealed"
	"climatevolunteers/internal/solidarity/episodes"
	"climatevolunteers/internal/solidarity/monitor"
	"climatevolunteers/internal/solidarity/network"
	"climatevolunteers/internal/solidarity/registry"
	"climatevolunteers/internal/volunteers"
	"climatevolunteers/internal/web"
	"climatevolunteers/internal/web/i18n"
)

// App is a running platform instance.
type App struct {
	Config  config.Config
	DB      *db.DB
	Log     *slog.Logger
	Router  *web.Router
	Handler http.Handler
	Auth    *auth.Service
	Worker  *outbox.Worker
	// Initiatives and Events are exposed for their periodic jobs and tests.
	Initiatives *initiatives.Service
	Events      *events.Service
	// Episodes is exposed for the solidarity tests and benchmarks.
	Episodes   *episodes.Service
	solidarity *solidarityDeps
	mailer     outbox.Mailer
}

// NewLogger builds the process logger: text for people, JSON for collectors.
func NewLogger(cfg config.Config, w io.Writer) *slog.Logger {
	var level slog.Level
	level.UnmarshalText([]byte(cfg.LogLevel))
	opts := &slog.HandlerOptions{Level: level}
	if cfg.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// Open connects to the database and applies pending migrations.
func Open(ctx context.Context, cfg config.Config) (*db.DB, error) {
	d, err := db.Open(ctx, db.Options{DatabaseURL: cfg.DatabaseURL, DataDir: cfg.DataDir})
	if err != nil {
		return nil, err
	}
	if _, err := d.Migrate(ctx); err != nil {
		d.Close()
		return nil, err
	}
	return d, nil
}

// demoVolunteers is the size of the demo's volunteer base: a few thousand,
// spread by population, enough for maps and the directory to look real.
const demoVolunteers = 3000

// New opens the database, loads the demo data when asked, and builds the
// HTTP handler.
func New(ctx context.Context, cfg config.Config, log *slog.Logger) (*App, error) {
	d, err := Open(ctx, cfg)
	if err != nil {
		return nil, err
	}
	if cfg.Demo {
		keys, err := Keys(cfg)
		if err != nil {
			d.Close()
			return nil, err
		}
		outcome, err := demo.Load(ctx, d, demo.Options{Volunteers: demoVolunteers, Keys: keys})
		if err != nil {
			d.Close()
			return nil, fmt.Errorf("demo data: %w", err)
		}
		switch outcome {
		case demo.Loaded:
			log.Info("demo data loaded")
		case demo.NotEmpty:
			log.Warn("demo data not loaded: the database already holds data")
		}
	}
	a, err := NewWithDB(cfg, d, log)
	if err != nil {
		d.Close()
		return nil, err
	}
	return a, nil
}

// Keys loads the keyring that seals the registry's personal fields: from
// CV_SECRET_KEY, else the key file in the data directory (created on first
// run, readable by its owner only).
func Keys(cfg config.Config) (*sealed.Keyring, error) {
	k, err := sealed.Load(cfg.SecretKey, cfg.DataDir)
	if err != nil {
		return nil, fmt.Errorf("secret keys: %w", err)
	}
	return k, nil
}

// LocaleSources lists every feature's translations.
func LocaleSources() []fs.FS {
	return []fs.FS{web.Locales, home.Locales, districts.Locales, auth.Locales, password.Locales, outbox.Locales, audit.Locales, volunteers.Locales, messages.Locales, initiatives.Locales, events.Locales,
		alerts.Locales, coolplaces.Locales, registry.Locales, network.Locales, episodes.Locales, monitor.Locales,
		actions.Locales, indicators.Locales, dashboard.Locales, questions.Locales, committees.Locales}
}

// NewWithDB builds the handler over an open, migrated database (tests use it
// with dbtest databases).
func NewWithDB(cfg config.Config, d *db.DB, log *slog.Logger) (*App, error) {
	cat, err := i18n.New(LocaleSources()...)
	if err != nil {
		return nil, err
	}
	static, err := web.NewStatic()
	if err != nil {
		return nil, err
	}
	nav := []web.NavItem{
		{Key: "nav.home", Path: "/"},
		{Key: "nav.initiatives", Path: "/initiatives"},
		{Key: "events.pages.nav", Path: "/events"},
		{Key: "nav.districts", Path: "/districts"},
		{Key: "alerts.nav", Path: "/alerts"},
		{Key: "coolplaces.nav", Path: "/cool-places"},
		{Key: "plan.dashboard.nav", Path: "/plan"},
	}
	rn, err := web.NewRenderer(cat, static, nav, log, cfg.Secure())
	if err != nil {
		return nil, err
	}
	static.NotFound = http.HandlerFunc(rn.NotFound)

	metrics := web.NewMetrics()
	metrics.WatchDB("writer", d.Writer())
	if d.Reader() != d.Writer() {
		metrics.WatchDB("reader", d.Reader())
	}

	mailer, err := newMailer(cfg, log)
	if err != nil {
		return nil, err
	}
	smsSender, err := newSMSSender(cfg, log)
	if err != nil {
		return nil, err
	}
	worker := outbox.NewWorker(d, map[string]outbox.Handler{
		outbox.KindEmail: outbox.NewEmailHandler(mailer, mailDomain(cfg)),
		outbox.KindSMS:   outbox.NewSMSHandler(smsSender),
	}, workerOptions(cfg, log))
	mailTemplates, err := outbox.NewMailTemplates(auth.Templates, "templates/mail")
	if err != nil {
		return nil, err
	}
	authSvc := auth.NewService(d, templateMailer{templates: mailTemplates, notify: worker.Notify}, cfg.PublicURL(), log)
	sessions := auth.NewSessions(authSvc, cfg.Secure())
	rn.OnLanguage = func(r *http.Request, lang string) {
		if v := web.ViewerOf(r); v != nil {
			if err := authSvc.SetLanguage(r.Context(), v.UserID, lang); err != nil {
				log.Warn("keep language", "request_id", web.RequestID(r), "err", err)
			}
		}
	}
	guard := auth.NewGuard(rn)
	admin := guard.RequireRole(auth.RoleAdmin)

	r := web.NewRouter()
	r.NoMatch = func(w http.ResponseWriter, req *http.Request, status int) { rn.Error(w, req, status, nil) }
	r.Handle("GET /static/", static)
	r.HandleFunc("POST /language", rn.SwitchLanguage)
	ops.Register(r, d, metrics.Handler(), cfg.MetricsToken, log)
	districtStore := districts.NewStore(d)
	home.Register(r, rn, d, districtStore, cfg.CityName)
	auth.Register(r, rn, authSvc, sessions, guard, auth.DefaultLimits(), cfg.TrustProxy)
	volunteerSvc := volunteers.NewService(d, authSvc)
	authSvc.Landing = volunteerSvc.Landing
	authSvc.OnSuspend = func(ctx context.Context, tx *db.Tx, userID int64, suspended bool) error {
		return volunteers.SetActive(ctx, tx, userID, !suspended)
	}
	districts.Register(r, rn, districtStore, volunteerSvc.Store())
	api.Register(r)
	volunteers.Register(r, rn, volunteerSvc, volunteers.Guards{User: guard.RequireUser,
		Coordinator: guard.RequireRole(auth.RoleCoordinator), Admin: admin},
		sessions.Clear, cfg.TrustProxy)
	messageSvc, err := messages.NewService(messages.Deps{DB: d, Audience: volunteerSvc.Store(), Consents: volunteerSvc,
		Skills: volunteerSvc.Store(), Districts: districtStore, BaseURL: cfg.PublicURL(), Notify: worker.Notify})
	if err != nil {
		return nil, err
	}
	messages.Register(r, rn, messageSvc, messages.Guards{User: guard.RequireUser, Coordinator: guard.RequireRole(auth.RoleCoordinator)})
	initiativeSvc, err := initiatives.NewService(initiatives.Deps{DB: d, Districts: districtStore, People: volunteerSvc.Store(),
		BaseURL: cfg.PublicURL(), DataDir: cfg.DataDir, Notify: worker.Notify, Log: log})
	if err != nil {
		return nil, err
	}
	initiatives.Register(r, rn, initiativeSvc, initiatives.Guards{User: guard.RequireUser,
		Moderator: guard.RequireRole(auth.RoleModerator), Coordinator: guard.RequireRole(auth.RoleCoordinator)})
	eventSvc, err := events.NewService(events.Deps{DB: d, Districts: districtStore, People: volunteerSvc.Store(),
		Initiatives: initiativeSvc.Store(), BaseURL: cfg.PublicURL(), Notify: worker.Notify, Log: log})
	if err != nil {
		return nil, err
	}
	events.Register(r, rn, eventSvc, events.Guards{User: guard.RequireUser})
	keys, err := Keys(cfg)
	if err != nil {
		return nil, err
	}
	if cfg.DatabaseURL != "" && cfg.SecretKey == "" {
		log.Warn("registry keys come from the data dir's key file: instances sharing this database must share CV_SECRET_KEY instead")
	}
	alertSvc := alerts.NewService(d, districtStore)
	alertPages := alerts.Register(r, rn, alertSvc, guard.RequireRole(auth.RoleCoordinator))
	coolPlaces := coolplaces.NewStore(d)
	coolplaces.Register(r, rn, coolPlaces, districtStore, alertSvc)
	sol := &solidarityDeps{cfg: cfg, db: d, log: log, r: r, rn: rn, guard: guard, keys: keys, districts: districtStore,
		volunteers: volunteerSvc, notify: worker.Notify, alerts: alertSvc, coolPlaces: coolPlaces}
	if err := wireSolidarity(sol); err != nil {
		return nil, err
	}
	// Solidarity episodes follow the alert levels; volunteers with people to
	// call see it on every page.
	alertSvc.AfterChange = func(ctx context.Context, actor alerts.Actor, hazard alerts.Hazard) error {
		return sol.episodes.Sync(ctx, actor.UserID, hazard)
	}
	plan := &planDeps{cfg: cfg, db: d, log: log, r: r, rn: rn, guard: guard, notify: worker.Notify,
		volunteers: volunteerSvc, initiatives: initiativeSvc, events: eventSvc}
	if err := wirePlan(plan); err != nil {
		return nil, err
	}
	rn.Notices = func(r *http.Request) []web.Notice {
		return append(alertPages.Notices(r), sol.callsNotice(r)...)
	}
	volunteerSvc.OnDelete = func(ctx context.Context, tx *db.Tx, userID int64) error {
		if err := messages.EraseInbox(ctx, tx, userID); err != nil {
			return err
		}
		if err := initiatives.EraseMemberships(ctx, tx, userID); err != nil {
			return err
		}
		if err := eventSvc.WithdrawAll(ctx, tx, userID); err != nil {
			return err
		}
		// Their people are escalated before the account loses its link.
		if err := sol.episodes.EraseVolunteer(ctx, tx, userID); err != nil {
			return err
		}
		if err := sol.network.EraseMember(ctx, tx, userID); err != nil {
			return err
		}
		if err := questions.EraseMember(ctx, tx, userID); err != nil {
			return err
		}
		if err := committees.EraseMember(ctx, tx, userID); err != nil {
			return err
		}
		return history.EraseActor(ctx, tx, userID)
	}
	outbox.Register(r, rn, d, admin, worker.Notify, outbox.AdminOptions{MaskTokens: cfg.SMTPURL != ""})
	audit.Register(r, rn, d, admin)

	var trusted []string
	if cfg.BaseURL != "" {
		u, _ := url.Parse(cfg.BaseURL)
		trusted = append(trusted, u.Scheme+"://"+u.Host)
	}
	crossOrigin, err := web.CrossOrigin(trusted, func(w http.ResponseWriter, r *http.Request) {
		rn.Error(w, r, http.StatusForbidden, nil)
	})
	if err != nil {
		return nil, err
	}
	h := web.Chain(r,
		web.Track(log, metrics),
		web.SecureHeaders(cfg.Secure()),
		web.LimitBody(cfg.MaxBodyBytes, cfg.MaxUploadBytes, func(w http.ResponseWriter, r *http.Request) {
			rn.Error(w, r, http.StatusRequestEntityTooLarge, nil)
		}),
		crossOrigin,
		web.Recover(log, rn.ServerError),
		sessions.Middleware,
	)
	return &App{Config: cfg, DB: d, Log: log, Router: r, Handler: h, Auth: authSvc, Worker: worker,
		Initiatives: initiativeSvc, Events: eventSvc, Episodes: sol.episodes, solidarity: sol, mailer: mailer}, nil
}

// workerOptions: once mails really leave (SMTP), their bodies are erased
// after delivery; without SMTP the admin page is where they are read.
func workerOptions(cfg config.Config, log *slog.Logger) outbox.WorkerOptions {
	o := outbox.WorkerOptions{Log: log}
	scrubMail := cfg.SMTPURL != ""
	// Delivered text messages keep only the end of the number; delivered
	// mails lose their body once they really left (SMTP).
	o.Scrub = func(j outbox.Claimed) (json.RawMessage, bool) {
		if scrubMail {
			if b, ok := outbox.ScrubEmailBody(j); ok {
				return b, true
			}
		}
		return outbox.ScrubSMS(j)
	}
	return o
}

// mailDomain names this instance in Message-IDs.
func mailDomain(cfg config.Config) string {
	if u, err := url.Parse(cfg.PublicURL()); err == nil && u.Hostname() != "" {
		return u.Hostname()
	}
	return "climatevolunteers.invalid"
}

// RunWorkers delivers the outbox and runs the periodic jobs (initiatives'
// digests, events' reminders, the solidarity loops) until ctx ends, then
// returns once the work in hand is finished.
func (a *App) RunWorkers(ctx context.Context) error {
	loops := append([]func(context.Context) error{
		func(ctx context.Context) error { return a.Initiatives.RunDigests(ctx, a.Config.DigestInterval) },
		func(ctx context.Context) error { return a.Events.RunReminders(ctx, 0) }, // every 10 minutes
	}, a.solidarity.loops()...)
	done := make(chan error, len(loops))
	for _, loop := range loops {
		go func() { done <- loop(ctx) }()
	}
	err := a.Worker.Run(ctx)
	for range loops {
		err = errors.Join(err, <-done)
	}
	return err
}

// CloseStreams ends the open live dashboards' streams, at shutdown.
func (a *App) CloseStreams() { a.solidarity.monitor.Broker().Close() }

// Close releases the mailer's connection and the database.
func (a *App) Close() error {
	if c, ok := a.mailer.(interface{ Close() error }); ok {
		c.Close()
	}
	return a.DB.Close()
}
