package actions

import (
	"bytes"
	"context"
	"net/http"
	"slices"
	"strconv"
	"time"

	"climatevolunteers/internal/plan/planimport"
	"climatevolunteers/internal/web"
)

func exportColumns() []string { return planimport.Columns }

// exportCSV writes every action with the import's columns: imported again,
// the file changes nothing.
func (h *handlers) exportCSV(w http.ResponseWriter, r *http.Request) {
	rows, err := h.svc.Export(r.Context())
	if err != nil {
		h.rn.Error(w, r, http.StatusInternalServerError, err)
		return
	}
	var buf bytes.Buffer
	buf.WriteString("\ufeff") // spreadsheets read UTF-8 only with the mark
	if err := planimport.WriteCSV(&buf, rows); err != nil {
		h.rn.Error(w, r, http.StatusInternalServerError, err)
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="plan-climat-actions.csv"`)
	w.Write(buf.Bytes())
}

// APIAction is an action as the JSON export and the API give it.
type APIAction struct {
	ID           int64          `json:"id"`
	Identifier   string         `json:"identifier"`
	Title        string         `json:"title"`
	Description  string         `json:"description"`
	Theme        APITheme       `json:"theme"`
	Parent       *string        `json:"parent"`
	Weight       float64        `json:"weight"`
	Status       string         `json:"status"`
	MergedInto   *string        `json:"merged_into"`
	Phase        string         `json:"phase"`
	StartsOn     *string        `json:"starts_on"`
	EndsOn       *string        `json:"ends_on"`
	ProgressMode string         `json:"progress_mode"`
	Progress     float64        `json:"progress"`
	Late         bool           `json:"late"`
	Stale        bool           `json:"stale"`
	UpdatedAt    string         `json:"updated_at"` // RFC 3339 in Paris time, to the second
	Departments  []string       `json:"departments"`
	Partners     []string       `json:"partners"`
	Milestones   []APIMilestone `json:"milestones"`
	Tasks        []APITask      `json:"tasks"`
	Links        []APILink      `json:"links"`
	URL          string         `json:"url"`
}

// APITheme names an action's theme.
type APITheme struct {
	Slug string `json:"slug"`
	Name string `json:"name"`
}

// APIMilestone is a milestone in the API.
type APIMilestone struct {
	Date    string `json:"date"`
	Title   string `json:"title"`
	Reached bool   `json:"reached"`
}

// APITask is a task in the API.
type APITask struct {
	Title string  `json:"title"`
	DueOn *string `json:"due_on"`
	Done  bool    `json:"done"`
}

// APILink is a link in the API.
type APILink struct {
	Kind  string `json:"kind"`
	ID    int64  `json:"id"`
	Title string `json:"title"`
}

func parisTime(t time.Time) string { return t.In(paris).Truncate(time.Second).Format(time.RFC3339) }

func optional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// APIActions returns the actions of f with everything attached, in a fixed
// number of queries whatever the number of actions.
func (s *Service) APIActions(ctx context.Context, f Filter) ([]APIAction, error) {
	return s.apiActions(ctx, s.deps.DB, f)
}

func (s *Service) apiActions(ctx context.Context, q querier, f Filter) ([]APIAction, error) {
	list, _, err := s.list(ctx, q, f)
	if err != nil {
		return nil, err
	}
	ids := make([]int64, len(list))
	for i, a := range list {
		ids[i] = a.ID
	}
	milestones, err := milestonesOf(ctx, q, ids)
	if err != nil {
		return nil, err
	}
	tasks, err := tasksOf(ctx, q, ids)
	if err != nil {
		return nil, err
	}
	links, err := linksOf(ctx, q, ids)
	if err != nil {
		return nil, err
	}
	var refs []linkRef
	for _, id := range ids {
		refs = append(refs, links[id]...)
	}
	titles, err := s.linkTitles(ctx, q, refs)
	if err != nil {
		return nil, err
	}
	now, today := s.now(), s.today()
	out := make([]APIAction, 0, len(list))
	for _, a := range list {
		x := APIAction{ID: a.ID, Identifier: a.Identifier, Title: a.Title, Description: a.Description,
			Theme: APITheme{Slug: a.ThemeSlug, Name: a.ThemeName}, Weight: a.Weight, Status: a.Status, Phase: a.Phase,
			StartsOn: optional(a.StartsOn), EndsOn: optional(a.EndsOn), ProgressMode: a.ProgressMode, Progress: a.Progress,
			Late: a.Late(today), Stale: a.Stale(now), UpdatedAt: parisTime(a.UpdatedAt),
			Departments: append([]string{}, a.Departments...), Partners: append([]string{}, a.Partners...),
			Milestones: []APIMilestone{}, Tasks: []APITask{}, Links: []APILink{},
			URL: "/plan/actions/" + strconv.FormatInt(a.ID, 10)}
		if a.ParentID != 0 {
			x.Parent = optional(identifierOf(a.ParentLabel))
		}
		if a.MergedIntoID != 0 {
			x.MergedInto = optional(identifierOf(a.MergedLabel))
		}
		for _, m := range milestones[a.ID] {
			x.Milestones = append(x.Milestones, APIMilestone{Date: m.OnDate, Title: m.Title, Reached: m.Reached})
		}
		for _, t := range tasks[a.ID] {
			x.Tasks = append(x.Tasks, APITask{Title: t.Title, DueOn: optional(t.DueOn), Done: t.Done})
		}
		for _, l := range links[a.ID] {
			if title, ok := titles[l]; ok { // a link to something gone or hidden is skipped
				x.Links = append(x.Links, APILink{Kind: l.Kind, ID: l.ID, Title: title})
			}
		}
		out = append(out, x)
	}
	return out, nil
}

// identifierOf cuts the identifier from an "identifier title" label
// (identifiers hold no space).
func identifierOf(label string) string {
	for i, r := range label {
		if r == ' ' {
			return label[:i]
		}
	}
	return label
}

type apiList struct {
	Actions []APIAction `json:"actions"`
}

type apiError struct {
	Error string `json:"error"`
}

func (h *handlers) exportJSON(w http.ResponseWriter, r *http.Request) {
	list, err := h.svc.APIActions(r.Context(), Filter{})
	if err != nil {
		h.rn.Error(w, r, http.StatusInternalServerError, err)
		return
	}
	w.Header().Set("Content-Disposition", `attachment; filename="plan-climat-actions.json"`)
	web.JSON(w, http.StatusOK, apiList{Actions: list})
}

// apiList answers GET /api/v1/plan/actions?theme=<slug>&status=<code>.
func (h *handlers) apiList(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f := Filter{ThemeSlug: q.Get("theme"), Status: q.Get("status")}
	if f.Status != "" && !slices.Contains(Statuses, f.Status) {
		web.JSON(w, http.StatusBadRequest, apiError{"unknown status; one of not_started, on_track, late, done, cancelled, merged"})
		return
	}
	if len(f.ThemeSlug) > 60 { // the document's maxLength, as theme slugs are
		web.JSON(w, http.StatusBadRequest, apiError{"theme: a theme's slug, at most 60 characters"})
		return
	}
	list, err := h.svc.APIActions(r.Context(), f)
	if err != nil {
		h.rn.LogError(r, err)
		web.JSON(w, http.StatusInternalServerError, apiError{"internal error; request id " + web.RequestID(r)})
		return
	}
	web.JSON(w, http.StatusOK, apiList{Actions: list})
}
