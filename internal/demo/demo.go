// Package demo loads the Paris demo data into an empty database. Each
// feature adds its part here; the whole load is one transaction, recorded in
// app_meta, so a second start with --demo does nothing.
package demo

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"climatevolunteers/internal/auth"
	"climatevolunteers/internal/coolplaces"
	"climatevolunteers/internal/db"
	"climatevolunteers/internal/districts"
	"climatevolunteers/internal/events"
	"climatevolunteers/internal/home"
	"climatevolunteers/internal/initiatives"
	"climatevolunteers/internal/plan/actions"
	"climatevolunteers/internal/plan/committees"
	"climatevolunteers/internal/plan/indicators"
	"climatevolunteers/internal/plan/questions"
	"climatevolunteers/internal/sealed"
	"climatevolunteers/internal/solidarity/network"
	"climatevolunteers/internal/solidarity/registry"
	"climatevolunteers/internal/volunteers"
)

const loadedKey = "demo.loaded_at"

// Outcome says what Load did.
type Outcome int

const (
	Loaded        Outcome = iota // the demo data is now in the database
	AlreadyLoaded                // an earlier start loaded it: nothing done
	NotEmpty                     // the database holds real data: nothing done
)

// Options size the demo.
type Options struct {
	// Volunteers is the number of fictitious volunteers (a few thousand for
	// the demo; tests take fewer or none).
	Volunteers int
	// Initiatives is the number of local initiatives, run and joined by the
	// demo volunteers (none without volunteers); 0 means
	// initiatives.DefaultDemoInitiatives.
	Initiatives int
	// Keys seal the demo registry's personal fields; without them the
	// registry and the solidarity network stay empty.
	Keys *sealed.Keyring
}

// Load fills an empty database with the demo data. It never touches a
// database that already holds data, demo or not.
func Load(ctx context.Context, d *db.DB, o Options) (Outcome, error) {
	outcome := Loaded
	err := d.Tx(ctx, func(tx *db.Tx) error {
		var at string
		err := tx.QueryRow(ctx, "SELECT value FROM app_meta WHERE key = ?", loadedKey).Scan(&at)
		if err == nil {
			outcome = AlreadyLoaded
			return nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		var n int
		if err := tx.QueryRow(ctx, "SELECT COUNT(*) FROM districts").Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			outcome = NotEmpty
			return nil
		}
		for _, dist := range districts.Paris {
			if err := districts.Upsert(ctx, tx, dist); err != nil {
				return err
			}
		}
		if err := home.SaveFacts(ctx, tx, parisFacts); err != nil {
			return err
		}
		weights := make([]volunteers.DemoDistrict, len(districts.Paris))
		for i, dist := range districts.Paris {
			weights[i] = volunteers.DemoDistrict{Code: dist.Code, Population: dist.Population}
		}
		// The volunteers' accounts are kept as they are made: initiatives
		// need people to run and join them.
		var people []int64
		newUser := func(ctx context.Context, tx *db.Tx, email, lang string) (int64, error) {
			id, err := auth.InsertDemoUser(ctx, tx, email, lang)
			if err == nil {
				people = append(people, id)
			}
			return id, err
		}
		if err := volunteers.SeedDemo(ctx, tx, o.Volunteers, weights, newUser); err != nil {
			return err
		}
		count := o.Initiatives
		if count == 0 {
			count = initiatives.DefaultDemoInitiatives
		}
		if err := initiatives.SeedDemo(ctx, tx, count, districts.Paris, people); err != nil {
			return err
		}
		// Events are owned by the published initiatives above, partners
		// and the City; the volunteers register for some of them.
		if err := events.SeedDemoTx(ctx, tx, time.Now()); err != nil {
			return err
		}
		// Real Paris cool places (parks, pools, fountains), for the
		// solidarity feature's "nearest open cool places".
		if err := coolplaces.SeedDemo(ctx, tx); err != nil {
			return err
		}
		now := time.Now().UTC()
		// A fifth of the volunteers (600 of the demo's 3,000) trained and in
		// the solidarity network.
		if err := network.SeedDemo(ctx, tx, now, o.Volunteers/5); err != nil {
			return err
		}
		// 400 fictitious people in the registry of vulnerable people
		// (Paris's CHALEX holds 7,500 to 9,500: ../shared/FACTS.md).
		if o.Keys != nil && o.Volunteers > 0 {
			if err := registry.SeedDemo(ctx, tx, o.Keys, now, 400); err != nil {
				return err
			}
		}
		if err := seedPlan(ctx, tx, now, o.Volunteers > 0); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, "INSERT INTO app_meta (key, value, updated_at) VALUES (?, ?, ?)",
			loadedKey, now.Format(time.RFC3339), now); err != nil {
			return err
		}
		return nil
	})
	if err == nil && outcome == Loaded && d.Engine == db.Postgres {
		// Fresh statistics after a bulk load, so the planner uses the
		// indexes at once rather than after autovacuum's next pass.
		_, err = d.Exec(ctx, "ANALYZE")
	}
	return outcome, err
}

// parisFacts are figures of the Paris Climate Plan, with their sources.
var (
	planSource = map[string]string{"fr": "Ville de Paris, Plan Climat Air Énergie, 2018", "en": "City of Paris, Climate Action Plan, 2018"}
	parisFacts = []home.Fact{
		{Value: 73000, Source: planSource, Label: map[string]string{
			"fr": "Parisiens ont approuvé le Plan Climat par leur vote", "en": "Parisians approved the Climate Plan by vote"}},
		{Value: 15000, Source: planSource, Label: map[string]string{
			"fr": "Volontaires du Climat inscrits", "en": "Climate Volunteers signed up"}},
		{Value: 2, Unit: "%", Source: planSource, Label: map[string]string{
			"fr": "des émissions du territoire viennent de la Ville elle-même ; le reste dépend des habitants et des acteurs locaux",
			"en": "of the territory's emissions come from the City itself; the rest depends on residents and local actors"}},
		{Value: 2050, Year: true, Source: planSource, Label: map[string]string{
			"fr": "Paris neutre en carbone : l'objectif du Plan Climat", "en": "Carbon-neutral Paris: the Climate Plan's target"}},
	}
)

// seedPlan loads the Climate Plan: themes and actions, then the indicators
// linked to them, then the volunteers' questions and the monitoring
// committees, which need demo volunteers.
func seedPlan(ctx context.Context, tx *db.Tx, now time.Time, withPeople bool) error {
	if err := actions.SeedDemo(ctx, tx, now); err != nil {
		return err
	}
	if err := indicators.SeedDemo(ctx, tx, now); err != nil {
		return err
	}
	if !withPeople {
		return nil
	}
	if err := questions.SeedDemo(ctx, tx, now); err != nil {
		return err
	}
	return committees.SeedDemo(ctx, tx, now, meetingEvent(now))
}

// meetingEvent makes a demo committee meeting a City event people can
// register for, as the committees' pages do for a meeting staff schedule.
func meetingEvent(now time.Time) committees.DemoEvent {
	return func(ctx context.Context, tx *db.Tx, m committees.DemoMeeting) (int64, error) {
		return events.SeedCityEventTx(ctx, tx, events.DemoCityEvent{Title: m.Committee + " — " + m.Title, Summary: m.Committee,
			Description: "Séance publique. Ordre du jour : l’avancement des actions du Plan Climat, le suivi des décisions du comité et les questions des habitants.",
			District:    m.District, Address: m.Place, StartsAt: m.StartsAt, EndsAt: m.EndsAt, Capacity: 80}, now)
	}
}
