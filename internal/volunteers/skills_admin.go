package volunteers

import (
	"context"
	"errors"
	"net/http"
	"regexp"
	"strings"
	"unicode/utf8"

	"climatevolunteers/internal/db"
	"climatevolunteers/internal/web"
)

// maxSkills is the number of bits of skills_mask: a skill is a bit.
const maxSkills = 63

var skillCode = regexp.MustCompile(`^[a-z][a-z0-9_]{1,39}$`)

// ErrTooManySkills is returned past maxSkills (retired skills still hold
// their bit, so that old profiles keep their meaning).
var ErrTooManySkills = errors.New("too many skills")

// AddSkill appends a skill to the list, at the first free bit.
func (s *Service) AddSkill(ctx context.Context, code, labelFR, labelEN string) error {
	return s.db.Tx(ctx, func(tx *db.Tx) error {
		var n, maxPos int
		if err := tx.QueryRow(ctx, "SELECT COUNT(*), COALESCE(MAX(position), 0) FROM skills").Scan(&n, &maxPos); err != nil {
			return err
		}
		if n >= maxSkills {
			return ErrTooManySkills
		}
		var bit int
		if err := tx.QueryRow(ctx, "SELECT COALESCE(MAX(bit), -1) + 1 FROM skills").Scan(&bit); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, "INSERT INTO skills (code, bit, label_fr, label_en, position, active, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
			code, bit, labelFR, labelEN, maxPos+1, true, db.Now())
		return err
	})
}

// UpdateSkill renames a skill or retires it (a retired skill is no longer
// offered; profiles that have it keep it).
func (s *Service) UpdateSkill(ctx context.Context, code, labelFR, labelEN string, active bool) error {
	return s.db.Tx(ctx, func(tx *db.Tx) error {
		res, err := tx.Exec(ctx, "UPDATE skills SET label_fr = ?, label_en = ?, active = ? WHERE code = ?", labelFR, labelEN, active, code)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrNoSkill
		}
		return nil
	})
}

// ErrNoSkill means no skill has that code.
var ErrNoSkill = errors.New("no such skill")

func validSkillLabels(f *web.Form) {
	for _, field := range []string{"label_fr", "label_en"} {
		if f.Required(field) && utf8.RuneCountInString(f.Get(field)) > 60 {
			f.AddError(field, "form.error.too_long", 60)
		}
	}
}

func (h *handlers) skillsPage(w http.ResponseWriter, r *http.Request) {
	h.renderSkills(w, r, http.StatusOK, web.NewForm(nil))
}

func (h *handlers) renderSkills(w http.ResponseWriter, r *http.Request, status int, f *web.Form) {
	skills, err := h.svc.store.Skills(r.Context(), true)
	if err != nil {
		h.rn.Error(w, r, http.StatusInternalServerError, err)
		return
	}
	h.rn.Render(w, r, status, h.views["skills"], web.Page{Title: h.rn.T(r, "volunteers.skills.title"), Form: f, Data: skills})
}

func (h *handlers) addSkill(w http.ResponseWriter, r *http.Request) {
	f, err := web.ParseForm(r)
	if err != nil {
		h.rn.Error(w, r, http.StatusBadRequest, err)
		return
	}
	code := strings.ToLower(f.Get("code"))
	if f.Required("code") && !skillCode.MatchString(code) {
		f.AddError("code", "volunteers.skills.bad_code")
	}
	validSkillLabels(f)
	if f.Valid() {
		err := h.svc.AddSkill(r.Context(), code, f.Get("label_fr"), f.Get("label_en"))
		switch {
		case errors.Is(err, ErrTooManySkills):
			f.AddError("code", "volunteers.skills.too_many")
		case isDuplicate(err):
			f.AddError("code", "volunteers.skills.taken")
		case err != nil:
			h.rn.Error(w, r, http.StatusInternalServerError, err)
			return
		}
	}
	if !f.Valid() {
		h.renderSkills(w, r, http.StatusUnprocessableEntity, f)
		return
	}
	h.rn.SetFlash(w, "success", "flash.volunteers_skill_saved")
	web.Redirect(w, r, "/admin/skills")
}

func (h *handlers) updateSkill(w http.ResponseWriter, r *http.Request) {
	f, err := web.ParseForm(r)
	if err != nil {
		h.rn.Error(w, r, http.StatusBadRequest, err)
		return
	}
	validSkillLabels(f)
	if !f.Valid() {
		h.renderSkills(w, r, http.StatusUnprocessableEntity, f)
		return
	}
	err = h.svc.UpdateSkill(r.Context(), r.PathValue("code"), f.Get("label_fr"), f.Get("label_en"), f.Get("active") == "1")
	if errors.Is(err, ErrNoSkill) {
		h.rn.Error(w, r, http.StatusNotFound, nil)
		return
	}
	if err != nil {
		h.rn.Error(w, r, http.StatusInternalServerError, err)
		return
	}
	h.rn.SetFlash(w, "success", "flash.volunteers_skill_saved")
	web.Redirect(w, r, "/admin/skills")
}

// isDuplicate recognises both engines' unique-key errors.
func isDuplicate(err error) bool {
	return err != nil && (strings.Contains(err.Error(), "UNIQUE constraint failed") || strings.Contains(err.Error(), "SQLSTATE 23505"))
}
