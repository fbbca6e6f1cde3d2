package indicators

import (
	"html/template"
	"net/http"
	"strconv"

	"climatevolunteers/internal/web"
)

// Card is an indicator as the public lists show it (exported for the
// templates, which reach it through embedding).
type Card struct {
	ID                    int64
	Name, Unit, Theme     string
	Latest, LatestYear    string // "" without a value
	LatestSource          string
	Goal, GoalYear        string // "" without a goal
	Status                string // on_track, off_track, no_data
	Description           string
	Version               int
	ValuesCount, GoalsLen int
}

func cardOf(lang string, e Entry) Card {
	c := Card{ID: e.ID, Name: e.Name, Unit: e.Unit, Theme: e.ThemeName, Status: string(e.Status()),
		Description: e.Description, Version: e.Version, ValuesCount: len(e.Values), GoalsLen: len(e.Goals)}
	if l, ok := e.Latest(); ok {
		c.Latest, c.LatestYear, c.LatestSource = numText(lang, l.Value), l.Key(), l.Source
	}
	if g, ok := e.NextGoal(); ok {
		c.Goal, c.GoalYear = numText(lang, g.Value), strconv.Itoa(g.Year)
	}
	return c
}

func (h *handlers) listPage(w http.ResponseWriter, r *http.Request) {
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
	h.rn.Render(w, r, http.StatusOK, h.views["list"], web.Page{Title: h.rn.T(r, "plan.indicators.title"), Data: cards})
}

// rowText is a line of the chart's data table, as text.
type rowText struct {
	Year                          int
	Value, Source, Expected, Goal string
}

// valueText is a stored value, as text.
type valueText struct {
	ID                 int64
	Key, Value, Source string
}

type ShowData struct {
	Card
	Chart   template.HTML
	Rows    []rowText
	Goals   []valueText
	Values  []valueText
	Actions []LinkedAction
	Source  string
	Base    string // baseline value
	BaseYr  int
	Dir     string
	History string
}

func (h *handlers) showData(r *http.Request, e Entry) (ShowData, error) {
	lang := web.Lang(r)
	actions, err := h.svc.LinkedActions(r.Context(), e.ID)
	if err != nil {
		return ShowData{}, err
	}
	d := ShowData{Card: cardOf(lang, e), Actions: actions, Source: e.Source, Base: numText(lang, e.BaselineValue),
		BaseYr: e.BaselineYear, Dir: string(e.Direction),
		History: "/plan/history?kind=indicator&id=" + strconv.FormatInt(e.ID, 10)}
	d.Chart = Chart(e.Indicator, e.PlainValues(), ChartText{
		ID: "indicator-" + strconv.FormatInt(e.ID, 10), Title: e.Name,
		Desc:     h.rn.T(r, "plan.indicators.chart.desc", e.Name, e.Unit),
		YearAxis: h.rn.T(r, "plan.indicators.chart.year"), Values: h.rn.T(r, "plan.indicators.chart.values"),
		Trajectory: h.rn.T(r, "plan.indicators.chart.trajectory"), Goals: h.rn.T(r, "plan.indicators.chart.goals"),
	})
	opt := func(f *float64) string {
		if f == nil {
			return ""
		}
		return numText(lang, *f)
	}
	for _, row := range TableRows(e.Indicator, e.PlainValues()) {
		d.Rows = append(d.Rows, rowText{Year: row.Year, Value: opt(row.Value), Source: row.Source, Expected: opt(row.Expected), Goal: opt(row.Goal)})
	}
	for _, g := range NewTrajectory(e.Indicator).Points()[1:] {
		d.Goals = append(d.Goals, valueText{Key: strconv.Itoa(g.Year), Value: numText(lang, g.Value)})
	}
	for _, v := range e.Values {
		d.Values = append(d.Values, valueText{ID: v.ID, Key: v.Key(), Value: numText(lang, v.Value.Value), Source: v.Source})
	}
	return d, nil
}

func (h *handlers) showPage(w http.ResponseWriter, r *http.Request) {
	e, ok := h.load(w, r)
	if !ok {
		return
	}
	d, err := h.showData(r, e)
	if err != nil {
		h.rn.Error(w, r, http.StatusInternalServerError, err)
		return
	}
	h.rn.Render(w, r, http.StatusOK, h.views["show"], web.Page{Title: e.Name, Data: d})
}
