// Package demo loads the Paris demo data into an empty database. Each
// feature adds its part here; the whole load is one transaction, recorded in
// app_meta, so a second start with --demo does nothing.
package demo

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"climatevolunteers/internal/db"
	"climatevolunteers/internal/districts"
	"climatevolunteers/internal/home"
)

const loadedKey = "demo.loaded_at"

// Load fills the database with the demo data unless it was loaded before.
// It reports whether it loaded anything.
func Load(ctx context.Context, d *db.DB) (bool, error) {
	loaded := false
	err := d.Tx(ctx, func(tx *db.Tx) error {
		var at string
		err := tx.QueryRow(ctx, "SELECT value FROM app_meta WHERE key = ?", loadedKey).Scan(&at)
		if err == nil {
			return nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		for _, dist := range districts.Paris {
			if err := districts.Upsert(ctx, tx, dist); err != nil {
				return err
			}
		}
		if err := home.SaveFacts(ctx, tx, parisFacts); err != nil {
			return err
		}
		now := time.Now().UTC()
		if _, err := tx.Exec(ctx, "INSERT INTO app_meta (key, value, updated_at) VALUES (?, ?, ?)",
			loadedKey, now.Format(time.RFC3339), now); err != nil {
			return err
		}
		loaded = true
		return nil
	})
	return loaded, err
}

// parisFacts are figures of the Paris Climate Plan, with their sources.
var parisFacts = []home.Fact{
	{Value: 73000, Label: map[string]string{"fr": "Parisiens ont approuvé le Plan Climat par leur vote", "en": "Parisians approved the Climate Plan by vote"},
		Source: "Ville de Paris, Plan Climat 2018"},
	{Value: 15000, Label: map[string]string{"fr": "Volontaires du Climat inscrits", "en": "Climate Volunteers signed up"},
		Source: "Ville de Paris, Plan Climat 2018"},
	{Value: 2, Unit: "%", Label: map[string]string{"fr": "des émissions du territoire viennent de la Ville elle-même ; le reste dépend des habitants et des acteurs locaux", "en": "of the territory's emissions come from the City itself; the rest depends on residents and local actors"},
		Source: "Ville de Paris, Plan Climat 2018"},
	{Value: 2050, Label: map[string]string{"fr": "Paris neutre en carbone : objectif du Plan Climat", "en": "Carbon-neutral Paris: the Climate Plan's target"},
		Source: "Plan Climat de Paris, adopté en mars 2018"},
}
