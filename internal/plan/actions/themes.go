package actions

import (
	"context"
	"errors"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"climatevolunteers/internal/audit"
	"climatevolunteers/internal/db"
	"climatevolunteers/internal/plan/history"
)

// ThemeForm is a theme as typed by staff; Version is the one the edit form
// was read at (empty for a new theme).
type ThemeForm struct {
	Name, Slug, Description, Parent, Version string
}

// ErrThemeInUse refuses to delete a theme that still has actions, sub-themes
// or indicators.
var ErrThemeInUse = errors.New("actions: theme in use")

var slugPattern = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// SaveTheme creates (id 0) or renames and moves a theme. A new theme goes
// last among its siblings. An edit made from an older version than the
// stored one is ErrConflict; every change goes to the plan's history.
func (s *Service) SaveTheme(ctx context.Context, actor Actor, id int64, f ThemeForm) (int64, error) {
	err := s.deps.DB.Tx(ctx, func(tx *db.Tx) error {
		if err := lockThemeTree(ctx, tx); err != nil {
			return err
		}
		t := Theme{ID: id, Name: strings.TrimSpace(f.Name), Slug: strings.TrimSpace(f.Slug), Description: oneNewline(f.Description)}
		var old Theme
		if id != 0 {
			var err error
			if old, err = getTheme(ctx, tx, id); err != nil {
				return err
			}
			if v, err := strconv.Atoi(strings.TrimSpace(f.Version)); err != nil || v != old.Version {
				return ErrConflict
			}
			t.Position, t.Version = old.Position, old.Version
			if t.Slug == "" {
				t.Slug = old.Slug
			}
		}
		if t.Slug == "" {
			t.Slug = slugOf(t.Name)
		}
		var errs []FieldError
		bad := func(field, code string, args ...any) {
			errs = append(errs, FieldError{Field: field, Key: "plan.actions.error." + code, Args: args})
		}
		if !utf8.ValidString(t.Name + t.Slug + t.Description) {
			return &InvalidError{Fields: []FieldError{{Field: "name", Key: "plan.actions.error.encoding"}}}
		}
		if t.Name == "" {
			bad("name", "name_required")
		} else if utf8.RuneCountInString(t.Name) > maxName {
			bad("name", "too_long", maxName)
		}
		if utf8.RuneCountInString(t.Description) > maxDescription {
			bad("description", "too_long", maxDescription)
		}
		if !slugPattern.MatchString(t.Slug) || len(t.Slug) > 60 {
			bad("slug", "slug")
		} else {
			var other int64
			if err := tx.QueryRow(ctx, "SELECT COALESCE(MAX(id), 0) FROM plan_themes WHERE slug = ? AND id <> ?", t.Slug, id).Scan(&other); err != nil {
				return err
			}
			if other != 0 {
				bad("slug", "slug_taken")
			}
		}
		themes, err := listThemes(ctx, tx)
		if err != nil {
			return err
		}
		if f.Parent != "" && f.Parent != "0" {
			parent, err := strconv.ParseInt(f.Parent, 10, 64)
			switch {
			case err != nil:
				bad("parent", "theme_unknown")
			case id != 0 && containsID(Descendants(themes, id), parent):
				bad("parent", "theme_cycle")
			case !themeExists(themes, parent):
				bad("parent", "theme_unknown")
			default:
				t.ParentID = parent
			}
		}
		if len(errs) > 0 {
			return &InvalidError{Fields: errs}
		}
		origin := history.OriginEdit
		if id == 0 {
			origin = history.OriginCreate
			if err = tx.QueryRow(ctx, "SELECT COALESCE(MAX(position), 0) + 1 FROM plan_themes").Scan(&t.Position); err != nil {
				return err
			}
			id, err = insertTheme(ctx, tx, t)
		} else {
			err = updateTheme(ctx, tx, t)
		}
		if err != nil {
			return err
		}
		changes := diffTheme(themes, old, t)
		if _, err := history.Record(ctx, tx, history.Set{Kind: history.KindTheme, SubjectID: id, SubjectLabel: t.Name,
			ActorID: actor.UserID, ActorName: actor.Name, Origin: origin, Changes: changes}); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: actor.UserID, Action: audit.ActionPlanThemeSaved,
			TargetType: "plan_theme", TargetID: strconv.FormatInt(id, 10), Detail: t.Slug})
	})
	return id, err
}

// diffTheme lists what a save changed, in the history's vocabulary; the
// parent is named as it was called then. A new theme (old.ID 0) shows every
// field it was given.
func diffTheme(themes []Theme, old, now Theme) []history.Change {
	name := func(id int64) string {
		for _, t := range themes {
			if t.ID == id {
				return t.Name
			}
		}
		return ""
	}
	var out []history.Change
	for _, c := range []history.Change{
		{Field: "name", Old: old.Name, New: now.Name},
		{Field: "slug", Old: old.Slug, New: now.Slug},
		{Field: "description", Old: old.Description, New: now.Description},
		{Field: "parent_theme", Old: name(old.ParentID), New: name(now.ParentID)},
	} {
		if c.Old != c.New {
			out = append(out, c)
		}
	}
	return out
}

// Theme reads one theme.
func (s *Service) Theme(ctx context.Context, id int64) (Theme, error) {
	return getTheme(ctx, s.deps.DB, id)
}

// MoveTheme swaps a theme with its previous (up) or next sibling.
func (s *Service) MoveTheme(ctx context.Context, actor Actor, id int64, up bool) error {
	return s.deps.DB.Tx(ctx, func(tx *db.Tx) error {
		if err := lockThemeTree(ctx, tx); err != nil {
			return err
		}
		themes, err := listThemes(ctx, tx)
		if err != nil {
			return err
		}
		var siblings []Theme
		var parent int64 = -1
		for _, t := range themes {
			if t.ID == id {
				parent = t.ParentID
			}
		}
		if parent < 0 {
			return ErrNotFound
		}
		for _, t := range themes {
			if t.ParentID == parent {
				siblings = append(siblings, t)
			}
		}
		for i, t := range siblings {
			j := i + 1
			if up {
				j = i - 1
			}
			if t.ID != id || j < 0 || j >= len(siblings) {
				continue
			}
			siblings[i], siblings[j] = siblings[j], siblings[i]
			// Renumber the siblings so that equal positions cannot keep the swap from showing.
			for pos, sib := range siblings {
				if _, err := tx.Exec(ctx, "UPDATE plan_themes SET position = ? WHERE id = ?", pos+1, sib.ID); err != nil {
					return err
				}
			}
			return audit.Record(ctx, tx, audit.Entry{ActorID: actor.UserID, Action: audit.ActionPlanThemeSaved,
				TargetType: "plan_theme", TargetID: strconv.FormatInt(id, 10), Detail: "moved"})
		}
		return nil
	})
}

// DeleteTheme deletes a theme without actions or sub-themes.
func (s *Service) DeleteTheme(ctx context.Context, actor Actor, id int64) error {
	return s.deps.DB.Tx(ctx, func(tx *db.Tx) error {
		if err := lockThemeTree(ctx, tx); err != nil {
			return err
		}
		t, err := getTheme(ctx, tx, id)
		if err != nil {
			return err
		}
		n, err := themeInUse(ctx, tx, id)
		if err != nil {
			return err
		}
		if n > 0 {
			return ErrThemeInUse
		}
		if _, err := tx.Exec(ctx, "DELETE FROM plan_themes WHERE id = ?", id); err != nil {
			return err
		}
		if _, err := history.Record(ctx, tx, history.Set{Kind: history.KindTheme, SubjectID: id, SubjectLabel: t.Name,
			ActorID: actor.UserID, ActorName: actor.Name, Origin: history.OriginEdit,
			Changes: []history.Change{{Field: "deleted", Old: t.Name}}}); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: actor.UserID, Action: audit.ActionPlanThemeSaved,
			TargetType: "plan_theme", TargetID: strconv.FormatInt(id, 10), Detail: "deleted " + t.Slug})
	})
}

func containsID(ids []int64, id int64) bool {
	for _, x := range ids {
		if x == id {
			return true
		}
	}
	return false
}

func themeExists(themes []Theme, id int64) bool {
	for _, t := range themes {
		if t.ID == id {
			return true
		}
	}
	return false
}

// slugOf makes a slug from a French name: "Énergie & bâtiments" → "energie-batiments".
func slugOf(name string) string {
	fold := strings.NewReplacer("à", "a", "â", "a", "ä", "a", "ç", "c", "é", "e", "è", "e", "ê", "e", "ë", "e",
		"î", "i", "ï", "i", "ô", "o", "ö", "o", "ù", "u", "û", "u", "ü", "u", "œ", "oe", "æ", "ae")
	var b strings.Builder
	dash := false
	for _, r := range fold.Replace(strings.ToLower(name)) {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			b.WriteRune(r)
			dash = false
		} else if !dash && b.Len() > 0 {
			b.WriteByte('-')
			dash = true
		}
	}
	return strings.TrimSuffix(b.String(), "-")
}
