package history_test

import (
	"context"
	"testing"
	"time"

	"climatevolunteers/internal/db"
	"climatevolunteers/internal/db/dbtest"
	"climatevolunteers/internal/plan/history"
)

func TestRecordAndList(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		base := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
		sets := []history.Set{
			{Kind: history.KindAction, SubjectID: 7, SubjectLabel: "A1 Vélo", Origin: history.OriginEdit, ActorName: "Agent", At: base,
				Changes: []history.Change{{Field: "status", Old: "not_started", New: "on_track"}, {Field: "progress", Old: "0", New: "20"}}},
			{Kind: history.KindIndicator, SubjectID: 2, SubjectLabel: "Empreinte", Origin: history.OriginImport, At: base.Add(time.Hour),
				Changes: []history.Change{{Field: "value.2024", New: "20.1"}}},
			{Kind: history.KindAction, SubjectID: 7, SubjectLabel: "A1 Vélo", Origin: history.OriginEdit, At: base.Add(2 * time.Hour)},
		}
		err := d.Tx(ctx, func(tx *db.Tx) error {
			for _, s := range sets {
				if _, err := history.Record(ctx, tx, s); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		all, err := history.List(ctx, d, history.Filter{})
		if err != nil {
			t.Fatal(err)
		}
		if all.Total != 2 || len(all.Sets) != 2 {
			t.Fatalf("an empty set must not be kept: total %d, %d sets", all.Total, len(all.Sets))
		}
		if all.Sets[0].Kind != history.KindIndicator || all.Sets[1].Changes[1].New != "20" || all.Sets[1].ActorName != "Agent" {
			t.Fatalf("newest first with changes in order: %+v", all.Sets)
		}
		one, err := history.List(ctx, d, history.Filter{Kind: history.KindAction, SubjectID: 7})
		if err != nil || one.Total != 1 || one.Sets[0].Changes[0].Field != "status" {
			t.Fatalf("filter by subject: %+v %v", one, err)
		}
		latest, err := history.Latest(ctx, d, history.KindAction)
		if err != nil || !latest[7].Equal(base) {
			t.Fatalf("latest change of action 7 = %v, %v; want %v", latest[7], err, base)
		}
		past, err := history.List(ctx, d, history.Filter{Offset: 5})
		if err != nil || len(past.Sets) != 0 || past.Total != 2 {
			t.Fatalf("a page past the end is empty: %+v %v", past, err)
		}
	})
}

func TestRecordRefusesASetWithoutSubject(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		err := d.Tx(context.Background(), func(tx *db.Tx) error {
			_, err := history.Record(context.Background(), tx, history.Set{Kind: history.KindAction, Origin: history.OriginEdit,
				Changes: []history.Change{{Field: "status"}}})
			return err
		})
		if err == nil {
			t.Fatal("a change set without a subject was recorded")
		}
	})
}
