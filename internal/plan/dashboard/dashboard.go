// Package dashboard is the Climate Plan's public dashboard (/plan: counts by
// status, progress by theme, every indicator's chart, flagged actions) and
// its history timeline (/plan/history and its Atom feed). It only reads: the
// actions and indicators parts write the plan and its history.
package dashboard

import (
	"context"
	"embed"
	"strconv"
	"time"

	"climatevolunteers/internal/db"
	"climatevolunteers/internal/plan/indicators"
)

// Locales holds this part's messages (locales/*.json).
//
//go:embed locales
var Locales embed.FS

//go:embed templates
var templates embed.FS

// Statuses are the actions' status codes, in the order the dashboard shows them.
var Statuses = []string{"not_started", "on_track", "late", "done", "cancelled", "merged"}

// closedStatuses are the statuses of actions the plan no longer carries:
// they are never flagged, and stay out of the progress by theme.
var closedStatuses = []string{"done", "cancelled", "merged"}

// StaleAfter is how long an open action may go without an update before the
// dashboard flags it.
const StaleAfter = 90 * 24 * time.Hour

// FlagLimit caps each list of flagged actions; the full lists are the
// actions part's filtered pages.
const FlagLimit = 10

// Deps are what the service needs.
type Deps struct {
	DB  *db.DB
	Loc *time.Location // the city's zone, for "today" (nil: Europe/Paris)
}

// Service reads the dashboard's figures.
type Service struct {
	db  *db.DB
	loc *time.Location
}

// NewService builds the service.
func NewService(d Deps) *Service {
	loc := d.Loc
	if loc == nil {
		loc = paris()
	}
	return &Service{db: d.DB, loc: loc}
}

func paris() *time.Location {
	loc, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		return time.UTC
	}
	return loc
}

// Overview is the whole dashboard.
type Overview struct {
	Statuses     []StatusCount // every status, in Statuses order, zeros included
	TotalActions int
	Themes       []*ThemeProgress // the roots of the theme tree
	Indicators   []Indicator
	Late, Stale  FlagList
	LatestChange time.Time // zero when the plan has no history yet
}

// StatusCount is how many actions (sub-actions included) have a status.
type StatusCount struct {
	Status string
	Count  int
}

// ThemeProgress is a theme's figures over its whole subtree. Only top-level
// actions count (a sub-action's progress is already in its parent's
// roll-up), and only open ones or done ones: cancelled and merged actions
// will not progress. Actions without a progress figure are left out of the
// average and counted in NoFigure, so the page can say so.
type ThemeProgress struct {
	ID       int64
	Name     string
	Actions  int
	NoFigure int
	Average  float64 // meaningful when Actions > NoFigure
	Children []*ThemeProgress
	sum      float64
}

// HasAverage reports whether at least one action has a figure.
func (t *ThemeProgress) HasAverage() bool { return t.Actions > t.NoFigure }

// Indicator is one indicator with everything its card shows.
type Indicator struct {
	ID     int64
	Def    indicators.Indicator
	Values []indicators.Value
	Latest *indicators.Value
	Goal   *indicators.Goal // the next goal after the latest value (or the baseline), else the last one
	Status indicators.Status
}

// FlagList is a capped list of flagged actions with the full count.
type FlagList struct {
	Items []Flagged
	Total int
}

// Flagged is an action the dashboard points out.
type Flagged struct {
	ID         int64
	Identifier string
	Title      string
	Status     string
	EndsOn     string // YYYY-MM-DD or ""
	UpdatedAt  time.Time
}

// Overview reads the dashboard as it stands at now, in a fixed number of
// queries whatever the plan's size.
func (s *Service) Overview(ctx context.Context, now time.Time) (Overview, error) {
	var o Overview
	var err error
	if o.Statuses, o.TotalActions, err = s.statusCounts(ctx); err != nil {
		return o, err
	}
	if o.Themes, err = s.themeProgress(ctx); err != nil {
		return o, err
	}
	if o.Indicators, err = s.indicators(ctx); err != nil {
		return o, err
	}
	today := now.In(s.loc).Format(time.DateOnly)
	if o.Late, err = s.late(ctx, today); err != nil {
		return o, err
	}
	if o.Stale, err = s.stale(ctx, now.Add(-StaleAfter)); err != nil {
		return o, err
	}
	o.LatestChange, err = s.latestChange(ctx)
	return o, err
}

// BarWidth is the average as an SVG length (a '.' decimal in every language).
func (t *ThemeProgress) BarWidth() string { return strconv.FormatFloat(t.Average, 'f', 1, 64) }
