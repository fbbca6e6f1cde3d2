package dashboard

import (
	"html"
	"html/template"
	"net/http"
	"strconv"
	"strings"

	"climatevolunteers/internal/db"
	"climatevolunteers/internal/plan/indicators"
	"climatevolunteers/internal/web"
)

// dashboardData fills templates/dashboard.html; everything the page shows
// in words is translated here.
type dashboardData struct {
	Statuses     []statusView
	TotalActions int
	Themes       []*ThemeProgress
	Indicators   []indicatorCard
	Late, Stale  flagView
	LatestChange string // formatted, "" when the plan has no history
	LatestISO    string
}

type statusView struct {
	Code, Label, Href string
	Count             int
}

type flagView struct {
	Items []Flagged
	Total int
	More  string // the actions part's full list
}

// indicatorCard is one indicator with its chart and the chart's table.
type indicatorCard struct {
	ID                int64
	Name, Unit        string
	Chart             template.HTML
	TableBody         template.HTML // the rows of the chart's table
	Latest, Goal      string        // "22,7 (2018)", "" when none
	Status, StatusKey string
}

type rowView struct {
	Year                          int
	Value, Source, Expected, Goal string
}

func (h *handlers) showDashboard(w http.ResponseWriter, r *http.Request) {
	o, err := h.svc.Overview(r.Context(), db.Now())
	if err != nil {
		h.rn.Error(w, r, http.StatusInternalServerError, err)
		return
	}
	wd := h.words(r)
	d := dashboardData{TotalActions: o.TotalActions, Themes: o.Themes,
		Late:  flagView{Items: o.Late.Items, Total: o.Late.Total, More: "/plan/actions?flag=late"},
		Stale: flagView{Items: o.Stale.Items, Total: o.Stale.Total, More: "/plan/actions?flag=stale"}}
	for _, s := range o.Statuses {
		d.Statuses = append(d.Statuses, statusView{Code: s.Status, Label: wd.T("plan.history.status." + s.Status),
			Href: "/plan/actions?status=" + s.Status, Count: s.Count})
	}
	for _, in := range o.Indicators {
		d.Indicators = append(d.Indicators, card(in, wd))
	}
	if !o.LatestChange.IsZero() {
		d.LatestChange = h.when(r, o.LatestChange)
		d.LatestISO = o.LatestChange.Format("2006-01-02T15:04:05Z07:00")
	}
	// Public figures that change with every edit: caches may keep them a minute.
	w.Header().Set("Cache-Control", "public, max-age=60")
	h.rn.Render(w, r, http.StatusOK, h.dashboard, web.Page{Title: h.rn.T(r, "plan.dashboard.title"), Data: d})
}

// card builds an indicator's chart, with its labels translated, and the
// chart's text alternative.
func card(in Indicator, wd Words) indicatorCard {
	id := strconv.FormatInt(in.ID, 10)
	c := indicatorCard{ID: in.ID, Name: in.Def.Name, Unit: in.Def.Unit, Status: string(in.Status),
		StatusKey: "plan.dashboard.track." + string(in.Status)}
	c.Chart = indicators.Chart(in.Def, in.Values, indicators.ChartText{
		ID:         "indicator-" + id,
		Title:      in.Def.Name,
		Desc:       wd.T("plan.dashboard.chart.desc", in.Def.Name, in.Def.Unit),
		YearAxis:   wd.T("plan.dashboard.chart.year"),
		Values:     wd.T("plan.dashboard.chart.values"),
		Trajectory: wd.T("plan.dashboard.chart.trajectory"),
		Goals:      wd.T("plan.dashboard.chart.goals"),
	})
	fig := func(f *float64) string {
		if f == nil {
			return ""
		}
		return Figure(wd.Lang, *f)
	}
	c.TableBody = tableBody(indicators.TableRows(in.Def, in.Values), fig)
	if in.Latest != nil {
		year := in.Latest.Year
		if !in.Latest.Date.IsZero() {
			year = in.Latest.Date.Year()
		}
		c.Latest = wd.T("plan.dashboard.figure_in", Figure(wd.Lang, in.Latest.Value), in.Def.Unit, year)
	}
	if in.Goal != nil {
		c.Goal = wd.T("plan.dashboard.figure_in", Figure(wd.Lang, in.Goal.Value), in.Def.Unit, in.Goal.Year)
	}
	return c
}

// tableBody writes the rows of an indicator's table. It is built here
// rather than ranged over in the template: fifty tables of twenty rows cost
// the dashboard more through the template's reflection than everything
// else, and the 50 ms target is for the whole page.
func tableBody(rows []indicators.Row, fig func(*float64) string) template.HTML {
	var b strings.Builder
	for _, r := range rows {
		b.WriteString(`<tr><th scope="row">`)
		b.WriteString(strconv.Itoa(r.Year))
		b.WriteString(`</th><td class="num">`)
		b.WriteString(html.EscapeString(fig(r.Value)))
		b.WriteString(`</td><td>`)
		b.WriteString(html.EscapeString(r.Source))
		b.WriteString(`</td><td class="num">`)
		b.WriteString(html.EscapeString(fig(r.Expected)))
		b.WriteString(`</td><td class="num">`)
		b.WriteString(html.EscapeString(fig(r.Goal)))
		b.WriteString("</td></tr>\n")
	}
	// Safe: every text above is escaped, the year is a number.
	return template.HTML(b.String())
}
