package actions

import (
	"context"
	"errors"
	"strconv"
	"testing"
	"time"

	"climatevolunteers/internal/db"
	"climatevolunteers/internal/db/dbtest"
	"climatevolunteers/internal/plan/history"
)

var staff = Actor{Name: "Agent de la Ville"}

// newTheme creates a theme for tests.
func newTheme(t *testing.T, s *Service, slug string) int64 {
	t.Helper()
	id, err := s.SaveTheme(context.Background(), staff, 0, ThemeForm{Name: "Thème " + slug, Slug: slug})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func form(identifier string, theme int64) ActionForm {
	return ActionForm{Identifier: identifier, Title: "Action " + identifier, Theme: strconv.FormatInt(theme, 10),
		Status: StatusNotStarted, ProgressMode: ModeManual, Weight: "1"}
}

func mustCreate(t *testing.T, s *Service, f ActionForm) int64 {
	t.Helper()
	id, err := s.Create(context.Background(), staff, f)
	if err != nil {
		t.Fatalf("create %s: %v %+v", f.Identifier, err, errorsOf(err))
	}
	return id
}

func mustGet(t *testing.T, s *Service, id int64) Detail {
	t.Helper()
	d, err := s.Get(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// changesOf reads the history sets of an action, newest first.
func changesOf(t *testing.T, d *db.DB, id int64) []history.Set {
	t.Helper()
	sets, err := history.List(context.Background(), d, history.Filter{Kind: history.KindAction, SubjectID: id})
	if err != nil {
		t.Fatal(err)
	}
	return sets.Sets
}

func findChange(sets []history.Set, field string) (history.Change, history.Origin, bool) {
	for _, s := range sets {
		for _, c := range s.Changes {
			if c.Field == field {
				return c, s.Origin, true
			}
		}
	}
	return history.Change{}, "", false
}

func TestCreateEditStatusHistory(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := NewService(Deps{DB: d})
		theme := newTheme(t, s, "mobilite")
		f := form("MOB-01", theme)
		f.Departments = "Direction de la Voirie et des Déplacements"
		id := mustCreate(t, s, f)

		sets := changesOf(t, d, id)
		if c, origin, ok := findChange(sets, "created"); !ok || origin != history.OriginCreate || c.New != "Action MOB-01" {
			t.Errorf("creation set: %+v", sets)
		}

		f.Title = "Pistes cyclables"
		f.EndsOn = "2030-12-31"
		if err := s.Update(ctx, staff, id, 1, f); err != nil {
			t.Fatal(err)
		}
		if err := s.SetStatus(ctx, staff, id, 2, QuickForm{Status: StatusOnTrack, Progress: "40"}); err != nil {
			t.Fatal(err)
		}
		sets = changesOf(t, d, id)
		for field, want := range map[string][2]string{
			"title": {"Action MOB-01", "Pistes cyclables"}, "ends_on": {"", "2030-12-31"},
			"status": {"not_started", "on_track"}, "progress": {"0", "40"},
		} {
			c, origin, ok := findChange(sets, field)
			if !ok || c.Old != want[0] || c.New != want[1] || origin != history.OriginEdit {
				t.Errorf("%s: %+v %s %v, want %v", field, c, origin, ok, want)
			}
		}
		a := mustGet(t, s, id)
		if a.Progress != 40 || a.Status != StatusOnTrack || a.Version != 3 {
			t.Errorf("after status: %+v", a.Action)
		}
	})
}

func TestRefusals(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := NewService(Deps{DB: d})
		theme := newTheme(t, s, "energie")
		parent := mustCreate(t, s, form("NRJ-01", theme))
		childForm := form("NRJ-01.1", theme)
		childForm.Parent = strconv.FormatInt(parent, 10)
		child := mustCreate(t, s, childForm)

		cases := map[string]struct {
			edit  func(f *ActionForm)
			field string
			key   string
		}{
			"progress above 100": {func(f *ActionForm) { f.Progress = "101" }, "progress", "plan.actions.error.progress_range"},
			"progress below 0":   {func(f *ActionForm) { f.Progress = "-1" }, "progress", "plan.actions.error.progress_range"},
			"merged alone":       {func(f *ActionForm) { f.Status = StatusMerged }, "merged_into", "plan.actions.error.merged_required"},
			"end before start":   {func(f *ActionForm) { f.StartsOn, f.EndsOn = "2026-05-01", "2026-04-30" }, "ends_on", "plan.actions.error.end_before_start"},
			"parent cycle":       {func(f *ActionForm) { f.Parent = strconv.FormatInt(child, 10) }, "parent", "plan.actions.error.parent_cycle"},
			"parent itself":      {func(f *ActionForm) { f.Parent = strconv.FormatInt(parent, 10) }, "parent", "plan.actions.error.parent_cycle"},
			"taken identifier":   {func(f *ActionForm) { f.Identifier = "NRJ-01.1" }, "identifier", "plan.actions.error.identifier_taken"},
		}
		for name, c := range cases {
			f := FormOf(mustGet(t, s, parent).Action)
			c.edit(&f)
			err := s.Update(ctx, staff, parent, 1, f)
			errs := errorsOf(err)
			if len(errs) == 0 || errs[0].Field != c.field || errs[0].Key != c.key {
				t.Errorf("%s: %v %+v", name, err, errs)
			}
		}
		if a := mustGet(t, s, parent); a.Version != 1 || a.ParentID != 0 {
			t.Errorf("a refused edit changed the action: %+v", a.Action)
		}
		// The quick form refuses the same way.
		if errs := errorsOf(s.SetStatus(ctx, staff, parent, 1, QuickForm{Status: StatusOnTrack, Progress: "150"})); len(errs) != 1 || errs[0].Field != "progress" {
			t.Errorf("quick form, progress 150: %+v", errs)
		}
	})
}

func TestStaleVersion(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := NewService(Deps{DB: d})
		theme := newTheme(t, s, "dechets")
		id := mustCreate(t, s, form("DEC-01", theme))
		f := form("DEC-01", theme)
		f.Title = "Première"
		if err := s.Update(ctx, staff, id, 1, f); err != nil {
			t.Fatal(err)
		}
		f.Title = "Seconde, depuis un formulaire ancien"
		if err := s.Update(ctx, staff, id, 1, f); !errors.Is(err, ErrConflict) {
			t.Fatalf("stale version: %v", err)
		}
		if err := s.SetStatus(ctx, staff, id, 1, QuickForm{Status: StatusDone}); !errors.Is(err, ErrConflict) {
			t.Fatalf("stale version, quick form: %v", err)
		}
		if a := mustGet(t, s, id); a.Title != "Première" || a.Status != StatusNotStarted {
			t.Errorf("after conflicts: %+v", a.Action)
		}
	})
}

func TestRollUp(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := NewService(Deps{DB: d})
		theme := newTheme(t, s, "adaptation")
		top := form("ADA-01", theme)
		top.ProgressMode = ModeRollup
		topID := mustCreate(t, s, top)
		mid := form("ADA-01.1", theme)
		mid.ProgressMode, mid.Parent, mid.Weight = ModeRollup, strconv.FormatInt(topID, 10), "3"
		midID := mustCreate(t, s, mid)
		leaf := func(identifier, parent, weight, progress string) int64 {
			f := form(identifier, theme)
			f.Parent, f.Weight, f.Progress = parent, weight, progress
			return mustCreate(t, s, f)
		}
		midS := strconv.FormatInt(midID, 10)
		a := leaf("ADA-01.1.1", midS, "1", "20")
		b := leaf("ADA-01.1.2", midS, "3", "60")
		leaf("ADA-01.2", strconv.FormatInt(topID, 10), "1", "0")
		// mid = (20×1 + 60×3) / 4 = 50; top = (50×3 + 0×1) / 4 = 37.5
		if got := mustGet(t, s, midID).Progress; got != 50 {
			t.Errorf("mid: %v", got)
		}
		if got := mustGet(t, s, topID).Progress; got != 37.5 {
			t.Errorf("top: %v", got)
		}
		// A cancelled child is left out: mid = 60, top = 45.
		if err := s.SetStatus(ctx, staff, a, 1, QuickForm{Status: StatusCancelled, Progress: "20"}); err != nil {
			t.Fatal(err)
		}
		if got := mustGet(t, s, midID).Progress; got != 60 {
			t.Errorf("mid after cancel: %v", got)
		}
		if got := mustGet(t, s, topID).Progress; got != 45 {
			t.Errorf("top after cancel: %v", got)
		}
		// Done counts 100 whatever was typed: mid = 100, top = 75.
		if err := s.SetStatus(ctx, staff, b, 1, QuickForm{Status: StatusDone, Progress: "60"}); err != nil {
			t.Fatal(err)
		}
		if got := mustGet(t, s, topID).Progress; got != 75 {
			t.Errorf("top after done: %v", got)
		}
		// The ancestors' history shows the computed moves.
		if c, origin, ok := findChange(changesOf(t, d, topID), "progress"); !ok || c.New != "75" || origin != history.OriginSystem {
			t.Errorf("top's progress history: %+v %s", c, origin)
		}
	})
}

func TestPartsMoveUpdatedAt(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		now := time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC)
		s := NewService(Deps{DB: d, Now: func() time.Time { return now }})
		theme := newTheme(t, s, "alimentation")
		id := mustCreate(t, s, form("ALI-01", theme))
		past := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
		if err := d.Tx(ctx, func(tx *db.Tx) error {
			_, err := tx.Exec(ctx, "UPDATE plan_actions SET updated_at = ? WHERE id = ?", past, id)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if list, _, _ := s.List(ctx, Filter{Flag: FlagStale}); len(list) != 1 {
			t.Fatalf("stale filter: %d", len(list))
		}
		steps := []func() error{
			func() error { return s.AddMilestone(ctx, staff, id, "2027-06-30", "Appel à projets") },
			func() error { return s.AddTask(ctx, staff, id, "2027-01-15", "Rédiger le cahier des charges") },
		}
		for i, step := range steps {
			if err := step(); err != nil {
				t.Fatal(err)
			}
			a := mustGet(t, s, id)
			if !a.UpdatedAt.After(past) {
				t.Errorf("step %d left updated_at at %v", i, a.UpdatedAt)
			}
			if err := d.Tx(ctx, func(tx *db.Tx) error {
				_, err := tx.Exec(ctx, "UPDATE plan_actions SET updated_at = ? WHERE id = ?", past, id)
				return err
			}); err != nil {
				t.Fatal(err)
			}
		}
		det := mustGet(t, s, id)
		if err := s.SetMilestoneReached(ctx, staff, id, det.Milestones[0].ID, true); err != nil {
			t.Fatal(err)
		}
		if err := s.SetTaskDone(ctx, staff, id, det.Tasks[0].ID, true); err != nil {
			t.Fatal(err)
		}
		det = mustGet(t, s, id)
		if !det.Milestones[0].Reached || !det.Tasks[0].Done || !det.UpdatedAt.After(past) {
			t.Errorf("after marking: %+v %+v %v", det.Milestones, det.Tasks, det.UpdatedAt)
		}
		// A milestone or task typed by mistake is removed; the history keeps
		// what it said. One of another action is not found.
		other := mustCreate(t, s, form("ALI-02", theme))
		if err := s.RemoveMilestone(ctx, staff, other, det.Milestones[0].ID); !errors.Is(err, ErrNotFound) {
			t.Errorf("remove another action's milestone: %v", err)
		}
		if err := s.RemoveMilestone(ctx, staff, id, det.Milestones[0].ID); err != nil {
			t.Fatal(err)
		}
		if err := s.RemoveTask(ctx, staff, id, det.Tasks[0].ID); err != nil {
			t.Fatal(err)
		}
		if err := s.RemoveTask(ctx, staff, id, det.Tasks[0].ID); !errors.Is(err, ErrNotFound) {
			t.Errorf("remove a task twice: %v", err)
		}
		if after := mustGet(t, s, id); len(after.Milestones) != 0 || len(after.Tasks) != 0 {
			t.Errorf("after removing: %+v %+v", after.Milestones, after.Tasks)
		}
		removed := map[string]string{}
		for _, set := range changesOf(t, d, id) {
			for _, c := range set.Changes {
				if (c.Field == "milestone" || c.Field == "task") && c.New == "" {
					removed[c.Field] = c.Old
				}
			}
		}
		if removed["milestone"] != "2027-06-30 Appel à projets" || removed["task"] != "2027-01-15 Rédiger le cahier des charges" {
			t.Errorf("removals in the history: %v", removed)
		}
		for _, field := range []string{"milestone", "task", "milestone_reached", "task_done"} {
			if _, _, ok := findChange(changesOf(t, d, id), field); !ok {
				t.Errorf("no %s change in history", field)
			}
		}
		if errs := errorsOf(s.AddMilestone(ctx, staff, id, "", "")); len(errs) != 2 {
			t.Errorf("empty milestone: %+v", errs)
		}
		// A link to an initiative nobody can name is refused.
		if errs := errorsOf(s.AddLink(ctx, staff, id, "initiative", "99")); len(errs) != 1 || errs[0].Field != "target" {
			t.Errorf("link to nothing: %+v", errs)
		}
	})
}

func TestThemes(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := NewService(Deps{DB: d})
		top := newTheme(t, s, "mobilite")
		sub, err := s.SaveTheme(ctx, staff, 0, ThemeForm{Name: "Vélo", Parent: strconv.FormatInt(top, 10)})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.SaveTheme(ctx, staff, top, ThemeForm{Name: "Mobilité", Parent: strconv.FormatInt(sub, 10), Version: "1"}); len(errorsOf(err)) != 1 {
			t.Errorf("theme under its own child: %v", err)
		}
		if _, err := s.SaveTheme(ctx, staff, 0, ThemeForm{Name: "Autre", Slug: "mobilite"}); len(errorsOf(err)) != 1 {
			t.Errorf("taken slug: %v", err)
		}
		mustCreate(t, s, form("VEL-01", sub))
		if err := s.DeleteTheme(ctx, staff, top); !errors.Is(err, ErrThemeInUse) {
			t.Errorf("delete a theme with a sub-theme: %v", err)
		}
		if err := s.DeleteTheme(ctx, staff, sub); !errors.Is(err, ErrThemeInUse) {
			t.Errorf("delete a theme with an action: %v", err)
		}
		// The list by theme includes sub-themes.
		if list, n, _ := s.List(ctx, Filter{ThemeID: top}); n != 1 || len(list) != 1 {
			t.Errorf("theme filter with sub-themes: %d", n)
		}
		themes, _ := s.Themes(ctx)
		if len(themes) != 2 || themes[1].Slug != "velo" || themes[1].Depth != 1 {
			t.Errorf("tree: %+v", themes)
		}
	})
}

// TestLateByParisDate checks that "late" turns at midnight in Paris, not at
// midnight UTC, in the list's filter as on the dashboard: at 00:30 in Paris
// (22:30 UTC the day before) an action that ended "yesterday" in Paris is late.
func TestLateByParisDate(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		now := time.Date(2026, 6, 10, 22, 30, 0, 0, time.UTC) // 11 June, 00:30 in Paris
		s := NewService(Deps{DB: d, Now: func() time.Time { return now }})
		theme := newTheme(t, s, "energie")
		ended := form("ENE-01", theme)
		ended.StartsOn, ended.EndsOn = "2026-01-01", "2026-06-10"
		mustCreate(t, s, ended)
		running := form("ENE-02", theme)
		running.StartsOn, running.EndsOn = "2026-01-01", "2026-06-11"
		mustCreate(t, s, running)
		list, total, err := s.List(ctx, Filter{Flag: FlagLate})
		if err != nil {
			t.Fatal(err)
		}
		if total != 1 || len(list) != 1 || list[0].Identifier != "ENE-01" {
			t.Fatalf("late at 00:30 in Paris: %d %+v", total, list)
		}
		if s.today() != "2026-06-11" {
			t.Errorf("today: %s", s.today())
		}
	})
}

// A creation lists what was chosen against the defaults: a weight other
// than 1 and a rolled-up progress show; a default weight does not.
func TestCreationListsChosenWeightAndMode(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		theme := newTheme(t, NewService(Deps{DB: d}), "energie")
		s := NewService(Deps{DB: d})
		f := form("ENE-10", theme)
		f.Weight, f.ProgressMode = "2.5", ModeRollup
		id := mustCreate(t, s, f)
		sets := changesOf(t, d, id)
		if c, _, ok := findChange(sets, "weight"); !ok || c.New != "2.5" {
			t.Errorf("weight in the creation: %+v %v", c, ok)
		}
		if c, _, ok := findChange(sets, "progress_mode"); !ok || c.New != ModeRollup {
			t.Errorf("progress mode in the creation: %+v %v", c, ok)
		}
		plain := mustCreate(t, s, form("ENE-11", theme))
		if _, _, ok := findChange(changesOf(t, d, plain), "weight"); ok {
			t.Error("a default weight listed in the creation")
		}
	})
}
