package indicators

import (
	"errors"
	"net/http"
	"strconv"

	"climatevolunteers/internal/web"
)

func (h *handlers) managePage(w http.ResponseWriter, r *http.Request) {
	entries, err := h.svc.All(r.Context())
	if err != nil {
		h.rn.Error(w, r, http.StatusInternalServerError, err)
		return
	}
	lang := web.Lang(r)
	cards := make([]Card, len(entries))
	for i, e := range entries {
		cards[i] = cardOf(lang, e)
	}
	h.rn.Render(w, r, http.StatusOK, h.views["manage"], web.Page{Title: h.rn.T(r, "plan.indicators.manage.title"), Data: cards})
}

// formData fills templates/form.html.
type formData struct {
	ID        int64 // 0 for a new indicator
	Name      string
	Themes    []Theme
	GoalRows  []goalRow
	UnitHint  string
	Conflict  bool // someone saved since the form was opened
	HasValues bool // the unit is locked
}

// inputFromForm reads the indicator fields of a submitted form.
func inputFromForm(f *web.Form) Input {
	version, _ := strconv.Atoi(f.Get("version"))
	in := Input{Slug: f.Get("slug"), Name: f.Get("name"), Description: f.Values.Get("description"), Unit: f.Get("unit"),
		Direction: f.Get("direction"), BaselineYear: f.Get("baseline_year"), BaselineValue: f.Get("baseline_value"),
		ThemeID: f.Get("theme"), Source: f.Get("source"), Version: version}
	for i := 0; i < maxGoalRows; i++ {
		y, v := f.Get(GoalField(i, "year")), f.Get(GoalField(i, "value"))
		in.Goals = append(in.Goals, GoalInput{y, v})
	}
	return in
}

// maxGoalRows bounds the goal rows read from a form.
const maxGoalRows = 20

// formOf fills the form with a stored indicator.
func formOf(e Entry) *web.Form {
	f := web.NewForm(nil)
	set := f.Values.Set
	set("slug", e.Slug)
	set("name", e.Name)
	set("description", e.Description)
	set("unit", e.Unit)
	set("direction", string(e.Direction))
	set("baseline_year", strconv.Itoa(e.BaselineYear))
	set("baseline_value", FormatNumber(e.BaselineValue))
	if e.ThemeID > 0 {
		set("theme", strconv.FormatInt(e.ThemeID, 10))
	}
	set("source", e.Source)
	for i, g := range NewTrajectory(e.Indicator).Points()[1:] {
		set(GoalField(i, "year"), strconv.Itoa(g.Year))
		set(GoalField(i, "value"), FormatNumber(g.Value))
	}
	set("version", strconv.Itoa(e.Version))
	return f
}

// goalRow names the fields of one goal row of the form.
type goalRow struct {
	Number      int // from 1, for people
	Year, Value string
}

// goalRows lists the rows to show: every filled row, then GoalRows blank.
func goalRows(f *web.Form) []goalRow {
	last := -1
	for i := 0; i < maxGoalRows; i++ {
		if f.Get(GoalField(i, "year")) != "" || f.Get(GoalField(i, "value")) != "" {
			last = i
		}
	}
	n := min(last+1+GoalRows, maxGoalRows)
	rows := make([]goalRow, n)
	for i := range rows {
		rows[i] = goalRow{i + 1, GoalField(i, "year"), GoalField(i, "value")}
	}
	return rows
}

func (h *handlers) renderForm(w http.ResponseWriter, r *http.Request, status int, f *web.Form, d formData) {
	themes, err := h.svc.Themes(r.Context())
	if err != nil {
		h.rn.Error(w, r, http.StatusInternalServerError, err)
		return
	}
	d.Themes, d.GoalRows, d.UnitHint = themes, goalRows(f), "plan.indicators.field.unit_hint"
	if d.HasValues {
		d.UnitHint = "plan.indicators.field.unit_locked_hint"
	}
	title := "plan.indicators.form.new_title"
	if d.ID > 0 {
		title = "plan.indicators.form.edit_title"
	}
	h.rn.Render(w, r, status, h.views["form"], web.Page{Title: h.rn.T(r, title), Form: f, Data: d})
}

func (h *handlers) newPage(w http.ResponseWriter, r *http.Request) {
	f := web.NewForm(nil)
	f.Values.Set("direction", string(LowerIsBetter))
	h.renderForm(w, r, http.StatusOK, f, formData{})
}

func (h *handlers) create(w http.ResponseWriter, r *http.Request) {
	f, err := web.ParseForm(r)
	if err != nil {
		h.rn.Error(w, r, http.StatusBadRequest, err)
		return
	}
	id, errs, err := h.svc.Create(r.Context(), actor(r), inputFromForm(f))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if len(errs) > 0 {
		addErrors(f, errs)
		h.renderForm(w, r, http.StatusUnprocessableEntity, f, formData{})
		return
	}
	h.rn.SetFlash(w, "success", "flash.plan_indicators_saved")
	web.Redirect(w, r, indicatorPath(ManagePath, id))
}

func (h *handlers) editPage(w http.ResponseWriter, r *http.Request) {
	e, ok := h.load(w, r)
	if !ok {
		return
	}
	h.renderForm(w, r, http.StatusOK, formOf(e), formData{ID: e.ID, Name: e.Name, HasValues: len(e.Values) > 0})
}

func (h *handlers) update(w http.ResponseWriter, r *http.Request) {
	e, ok := h.load(w, r)
	if !ok {
		return
	}
	f, err := web.ParseForm(r)
	if err != nil {
		h.rn.Error(w, r, http.StatusBadRequest, err)
		return
	}
	errs, err := h.svc.Update(r.Context(), actor(r), e.ID, inputFromForm(f))
	d := formData{ID: e.ID, Name: e.Name, HasValues: len(e.Values) > 0}
	switch {
	case errors.Is(err, ErrConflict):
		// Keep what this person typed, say someone saved first, and let
		// them save again over the current version.
		d.Conflict = true
		f.Values.Set("version", strconv.Itoa(e.Version))
		h.renderForm(w, r, http.StatusConflict, f, d)
		return
	case err != nil:
		h.fail(w, r, err)
		return
	case len(errs) > 0:
		addErrors(f, errs)
		h.renderForm(w, r, http.StatusUnprocessableEntity, f, d)
		return
	}
	h.rn.SetFlash(w, "success", "flash.plan_indicators_saved")
	web.Redirect(w, r, indicatorPath(ManagePath, e.ID))
}

// staffData fills templates/staff.html: the public view plus the forms.
type staffData struct {
	ShowData
	Staff string // the staff page's path
}

func (h *handlers) renderStaff(w http.ResponseWriter, r *http.Request, status int, e Entry, f *web.Form) {
	d, err := h.showData(r, e)
	if err != nil {
		h.rn.Error(w, r, http.StatusInternalServerError, err)
		return
	}
	if f == nil {
		f = web.NewForm(nil)
	}
	h.rn.Render(w, r, status, h.views["staff"], web.Page{Title: e.Name, Form: f,
		Data: staffData{ShowData: d, Staff: indicatorPath(ManagePath, e.ID)}})
}

func (h *handlers) staffPage(w http.ResponseWriter, r *http.Request) {
	e, ok := h.load(w, r)
	if !ok {
		return
	}
	h.renderStaff(w, r, http.StatusOK, e, nil)
}

func valueInput(f *web.Form) ValueInput {
	return ValueInput{Year: f.Get("year"), Date: f.Get("date"), Value: f.Get("value"), Source: f.Get("source")}
}

func (h *handlers) addValue(w http.ResponseWriter, r *http.Request) {
	e, ok := h.load(w, r)
	if !ok {
		return
	}
	f, err := web.ParseForm(r)
	if err != nil {
		h.rn.Error(w, r, http.StatusBadRequest, err)
		return
	}
	errs, err := h.svc.AddValue(r.Context(), actor(r), e.ID, valueInput(f))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if len(errs) > 0 {
		addErrors(f, errs)
		h.renderStaff(w, r, http.StatusUnprocessableEntity, e, f)
		return
	}
	h.rn.SetFlash(w, "success", "flash.plan_indicators_value_added")
	web.Redirect(w, r, indicatorPath(ManagePath, e.ID))
}

// valueData fills templates/value.html, the correction form.
type valueData struct {
	Indicator Card
	Value     valueText
	Staff     string
	Action    string
	Conflict  bool
}

// loadValue reads the indicator and the value of the path.
func (h *handlers) loadValue(w http.ResponseWriter, r *http.Request) (Entry, StoredValue, bool) {
	e, ok := h.load(w, r)
	if !ok {
		return e, StoredValue{}, false
	}
	vid, ok := web.PathID(r, "vid")
	if ok {
		for _, v := range e.Values {
			if v.ID == vid {
				return e, v, true
			}
		}
	}
	h.rn.Error(w, r, http.StatusNotFound, nil)
	return e, StoredValue{}, false
}

func (h *handlers) renderValue(w http.ResponseWriter, r *http.Request, status int, e Entry, v StoredValue, f *web.Form, conflict bool) {
	lang := web.Lang(r)
	staff := indicatorPath(ManagePath, e.ID)
	h.rn.Render(w, r, status, h.views["value"], web.Page{Title: h.rn.T(r, "plan.indicators.value.title"), Form: f,
		Data: valueData{Indicator: cardOf(lang, e), Staff: staff, Conflict: conflict,
			Action: staff + "/values/" + strconv.FormatInt(v.ID, 10),
			Value:  valueText{ID: v.ID, Key: v.Key(), Value: numText(lang, v.Value.Value), Source: v.Source}}})
}

func (h *handlers) valuePage(w http.ResponseWriter, r *http.Request) {
	e, v, ok := h.loadValue(w, r)
	if !ok {
		return
	}
	f := web.NewForm(nil)
	f.Values.Set("value", FormatNumber(v.Value.Value))
	f.Values.Set("source", v.Source)
	f.Values.Set("version", strconv.Itoa(e.Version))
	h.renderValue(w, r, http.StatusOK, e, v, f, false)
}

func (h *handlers) correctValue(w http.ResponseWriter, r *http.Request) {
	e, v, ok := h.loadValue(w, r)
	if !ok {
		return
	}
	f, err := web.ParseForm(r)
	if err != nil {
		h.rn.Error(w, r, http.StatusBadRequest, err)
		return
	}
	version, _ := strconv.Atoi(f.Get("version"))
	errs, err := h.svc.CorrectValue(r.Context(), actor(r), e.ID, v.ID, version, valueInput(f))
	switch {
	case errors.Is(err, ErrConflict):
		f.Values.Set("version", strconv.Itoa(e.Version))
		h.renderValue(w, r, http.StatusConflict, e, v, f, true)
		return
	case err != nil:
		h.fail(w, r, err)
		return
	case len(errs) > 0:
		addErrors(f, errs)
		h.renderValue(w, r, http.StatusUnprocessableEntity, e, v, f, false)
		return
	}
	h.rn.SetFlash(w, "success", "flash.plan_indicators_value_saved")
	web.Redirect(w, r, indicatorPath(ManagePath, e.ID))
}

func (h *handlers) deleteValue(w http.ResponseWriter, r *http.Request) {
	e, v, ok := h.loadValue(w, r)
	if !ok {
		return
	}
	f, err := web.ParseForm(r)
	if err != nil {
		h.rn.Error(w, r, http.StatusBadRequest, err)
		return
	}
	version, _ := strconv.Atoi(f.Get("version"))
	err = h.svc.DeleteValue(r.Context(), actor(r), e.ID, v.ID, version)
	if errors.Is(err, ErrConflict) {
		f = web.NewForm(nil)
		f.Values.Set("value", FormatNumber(v.Value.Value))
		f.Values.Set("source", v.Source)
		f.Values.Set("version", strconv.Itoa(e.Version))
		h.renderValue(w, r, http.StatusConflict, e, v, f, true)
		return
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.rn.SetFlash(w, "success", "flash.plan_indicators_value_deleted")
	web.Redirect(w, r, indicatorPath(ManagePath, e.ID))
}
