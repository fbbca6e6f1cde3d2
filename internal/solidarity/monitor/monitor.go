// Package monitor shows coordinators an episode as it happens (a live
// dashboard over server-sent events) and reports on it afterwards, with
// figures per district and a CSV export without personal data.
//
// It only counts rows of the episodes' tables: it never reads names, phone
// numbers or addresses, so nothing it shows or exports is personal data.
package monitor

import (
	"embed"
	"errors"
	"log/slog"
	"time"

	"climatevolunteers/internal/db"
)

// Locales holds this part's messages (locales/*.json).
//
//go:embed locales
var Locales embed.FS

//go:embed templates
var templates embed.FS

// ErrNotFound: no such episode.
var ErrNotFound = errors.New("monitor: episode not found")

// Hazards of an episode (solidarity_episodes.hazard).
const (
	HazardHeat  = "heat"
	HazardFlood = "flood"
)

// Deps are what the part needs; the durations and limits have defaults.
type Deps struct {
	DB  *db.DB
	Log *slog.Logger

	// Poll is how often a watched episode is re-read, so that changes made
	// on other app instances reach this one's streams (default 2 s).
	Poll time.Duration
	// Heartbeat is the interval of the streams' keep-alive comments
	// (default 15 s), well under proxies' idle timeouts.
	Heartbeat time.Duration
	// StreamLifetime ends a stream after a while (default 10 min): the
	// browser reconnects at once, and the reconnection checks the session
	// and role again, so a revoked coordinator stops receiving.
	StreamLifetime time.Duration
	// PerAccount and MaxStreams bound the open streams per account
	// (default 5) and on this instance (default 200).
	PerAccount, MaxStreams int
}

// Service is the monitor's logic: figures of episodes and their live feed.
type Service struct {
	Deps
	store  *Store
	broker *Broker
}

// NewService builds the service and its broker.
func NewService(deps Deps) *Service {
	if deps.Log == nil {
		deps.Log = slog.Default()
	}
	if deps.Poll <= 0 {
		deps.Poll = 2 * time.Second
	}
	if deps.Heartbeat <= 0 {
		deps.Heartbeat = 15 * time.Second
	}
	if deps.StreamLifetime <= 0 {
		deps.StreamLifetime = 10 * time.Minute
	}
	if deps.PerAccount <= 0 {
		deps.PerAccount = 5
	}
	if deps.MaxStreams <= 0 {
		deps.MaxStreams = 200
	}
	s := &Service{Deps: deps, store: NewStore(deps.DB)}
	s.broker = newBroker(s.payload, deps.Poll, deps.PerAccount, deps.MaxStreams, deps.Log)
	return s
}

// Broker is the live feed's hub: the episodes part publishes changes to it.
func (s *Service) Broker() *Broker { return s.broker }
