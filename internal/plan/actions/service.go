package actions

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // Europe/Paris even without the system's zone database

	"climatevolunteers/internal/audit"
	"climatevolunteers/internal/db"
	"climatevolunteers/internal/plan/history"
)

// Deps is what the service needs; the app's wiring fills it.
type Deps struct {
	DB *db.DB
	// Titles names a linked initiative or event ("initiative", "event") and
	// whether the public may see it; a link to something gone is skipped.
	Titles func(ctx context.Context, kind string, id int64) (title string, ok bool, err error)
	// TitlesOf names several initiatives or events at once (the API and
	// the JSON export), leaving out those gone or not public; when nil,
	// Titles is asked once per target.
	TitlesOf func(ctx context.Context, kind string, ids []int64) (map[int64]string, error)
	// QuestionCount counts the public questions on an action (the questions
	// part); nil shows no count.
	QuestionCount func(ctx context.Context, actionID int64) (int, error)
	Now           func() time.Time // the clock; time.Now when nil
}

// Service is the logic of themes and actions.
type Service struct{ deps Deps }

// NewService builds the service.
func NewService(d Deps) *Service {
	if d.Now == nil {
		d.Now = time.Now
	}
	return &Service{deps: d}
}

func (s *Service) now() time.Time { return s.deps.Now() }

// paris is the city's zone: the API's times and the day of "today".
var paris = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		panic(err) // cannot happen: time/tzdata is embedded
	}
	return loc
}()

// today is the date in Paris, the day against which end dates are late: the
// list's filter, the pages and the exports agree with the dashboard on it,
// even between midnight in Paris and midnight UTC.
func (s *Service) today() string { return s.now().In(paris).Format(dateLayout) }

// Themes lists the themes in tree order.
func (s *Service) Themes(ctx context.Context) ([]Theme, error) { return listThemes(ctx, s.deps.DB) }

// Get reads an action with its sub-actions, milestones, tasks and links.
func (s *Service) Get(ctx context.Context, id int64) (Detail, error) {
	a, err := getAction(ctx, s.deps.DB, id)
	if err != nil {
		return Detail{}, err
	}
	d := Detail{Action: a}
	if d.Children, err = queryActions(ctx, s.deps.DB, "WHERE a.parent_id = ? ORDER BY a.identifier", id); err != nil {
		return d, err
	}
	if d.Milestones, err = listMilestones(ctx, s.deps.DB, id); err != nil {
		return d, err
	}
	if d.Tasks, err = listTasks(ctx, s.deps.DB, id); err != nil {
		return d, err
	}
	d.Links, err = s.links(ctx, id)
	return d, err
}

// links names an action's links, skipping those to something gone or hidden.
func (s *Service) links(ctx context.Context, id int64) ([]Link, error) {
	refs, err := listLinks(ctx, s.deps.DB, id)
	if err != nil {
		return nil, err
	}
	var out []Link
	for _, ref := range refs {
		title, ok, err := s.linkTitle(ctx, s.deps.DB, ref)
		if err != nil {
			return nil, err
		}
		if !ok {
			continue
		}
		href := "/" + ref.Kind + "s/" + strconv.FormatInt(ref.ID, 10)
		if ref.Kind == "indicator" {
			href = "/plan#indicator-" + strconv.FormatInt(ref.ID, 10)
		}
		out = append(out, Link{Kind: ref.Kind, ID: ref.ID, Title: title, Href: href})
	}
	return out, nil
}

func (s *Service) linkTitle(ctx context.Context, q querier, ref linkRef) (string, bool, error) {
	if ref.Kind == "indicator" {
		name, err := indicatorName(ctx, q, ref.ID)
		return name, name != "", err
	}
	if s.deps.Titles == nil {
		return "", false, nil
	}
	return s.deps.Titles(ctx, ref.Kind, ref.ID)
}

// linkTitles names the targets of refs at once (each kind in one read when
// TitlesOf is wired); targets gone or hidden are absent.
func (s *Service) linkTitles(ctx context.Context, q querier, refs []linkRef) (map[linkRef]string, error) {
	byKind := map[string][]int64{}
	seen := map[linkRef]bool{}
	for _, r := range refs {
		if !seen[r] {
			seen[r] = true
			byKind[r.Kind] = append(byKind[r.Kind], r.ID)
		}
	}
	out := map[linkRef]string{}
	for kind, ids := range byKind {
		var names map[int64]string
		var err error
		switch {
		case kind == "indicator":
			names, err = indicatorNames(ctx, q, ids)
		case s.deps.TitlesOf != nil:
			names, err = s.deps.TitlesOf(ctx, kind, ids)
		default:
			names = map[int64]string{}
			for _, id := range ids {
				title, ok, terr := s.linkTitle(ctx, q, linkRef{Kind: kind, ID: id})
				if terr != nil {
					return nil, terr
				}
				if ok {
					names[id] = title
				}
			}
		}
		if err != nil {
			return nil, err
		}
		for id, name := range names {
			out[linkRef{Kind: kind, ID: id}] = name
		}
	}
	return out, nil
}

// QuestionCount is the number of public questions on an action; 0 when the
// questions part is not wired.
func (s *Service) QuestionCount(ctx context.Context, id int64) (int, error) {
	if s.deps.QuestionCount == nil {
		return 0, nil
	}
	return s.deps.QuestionCount(ctx, id)
}

// Indicators lists the plan's indicators for the link form.
func (s *Service) Indicators(ctx context.Context) ([]IndicatorOption, error) {
	return listIndicators(ctx, s.deps.DB)
}

// Create adds an action; its creation is history origin "create".
func (s *Service) Create(ctx context.Context, actor Actor, f ActionForm) (int64, error) {
	var id int64
	err := s.deps.DB.Tx(ctx, func(tx *db.Tx) error {
		in, errs := validate(ctx, tx, 0, f)
		if len(errs) > 0 {
			return &InvalidError{Fields: errs}
		}
		var err error
		if id, err = insertAction(ctx, tx, in, actor.UserID); err != nil {
			return err
		}
		if err := refreshProgress(ctx, tx, id, actor, history.OriginCreate); err != nil {
			return err
		}
		after, err := getAction(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := recordCreation(ctx, tx, after, actor, history.OriginCreate, time.Time{}); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: actor.UserID, Action: audit.ActionPlanActionCreated,
			TargetType: "plan_action", TargetID: strconv.FormatInt(id, 10), Detail: in.Identifier})
	})
	return id, err
}

// recordCreation writes the "created" set: the title, then every field set.
func recordCreation(ctx context.Context, tx *db.Tx, a Action, actor Actor, origin history.Origin, at time.Time) error {
	changes := []history.Change{{Field: "created", New: a.Title}}
	// Against the defaults, so that a creation lists what was chosen (a
	// weight other than 1, a rolled-up progress) and not every default.
	changes = append(changes, diffFields(Action{Weight: 1, ProgressMode: ModeManual, Status: StatusNotStarted}, a)...)
	_, err := history.Record(ctx, tx, history.Set{Kind: history.KindAction, SubjectID: a.ID, SubjectLabel: a.Label(),
		ActorID: actor.UserID, ActorName: actor.Name, Origin: origin, At: at, Changes: changes})
	return err
}

// Update saves an edit made from version: ErrConflict when someone saved in
// between, *InvalidError for refused fields.
func (s *Service) Update(ctx context.Context, actor Actor, id int64, version int, f ActionForm) error {
	return s.deps.DB.Tx(ctx, func(tx *db.Tx) error {
		before, err := getAction(ctx, tx, id)
		if err != nil {
			return err
		}
		in, errs := validate(ctx, tx, id, f)
		if len(errs) > 0 {
			return &InvalidError{Fields: errs}
		}
		if before.Version != version {
			return ErrConflict
		}
		return s.apply(ctx, tx, actor, before, in, version, history.OriginEdit)
	})
}

// apply writes in over before, refreshes progress where the tree moved, and
// records the differences in history and the audit log.
func (s *Service) apply(ctx context.Context, tx *db.Tx, actor Actor, before Action, in Input, version int, origin history.Origin) error {
	if err := updateAction(ctx, tx, before.ID, in, version, actor.UserID); err != nil {
		return err
	}
	if err := refreshProgress(ctx, tx, before.ID, actor, origin); err != nil {
		return err
	}
	if before.ParentID != 0 && before.ParentID != in.ParentID {
		if err := refreshOldParent(ctx, tx, before.ParentID, actor, origin); err != nil {
			return err
		}
	}
	after, err := getAction(ctx, tx, before.ID)
	if err != nil {
		return err
	}
	changes := diffFields(before, after)
	if _, err := history.Record(ctx, tx, history.Set{Kind: history.KindAction, SubjectID: after.ID,
		SubjectLabel: after.Label(), ActorID: actor.UserID, ActorName: actor.Name, Origin: origin, Changes: changes}); err != nil {
		return err
	}
	if origin == history.OriginImport {
		return nil // one audit entry for the whole import
	}
	return audit.Record(ctx, tx, audit.Entry{ActorID: actor.UserID, Action: audit.ActionPlanActionUpdated,
		TargetType: "plan_action", TargetID: strconv.FormatInt(after.ID, 10), Detail: changedNames(changes)})
}

// QuickForm is the "status and progress" form of an action's staff page.
type QuickForm struct {
	Status, Progress, MergedInto string
}

// SetStatus changes only the status and, for a manual action, the progress.
func (s *Service) SetStatus(ctx context.Context, actor Actor, id int64, version int, q QuickForm) error {
	return s.deps.DB.Tx(ctx, func(tx *db.Tx) error {
		before, err := getAction(ctx, tx, id)
		if err != nil {
			return err
		}
		f := FormOf(before)
		f.Status, f.MergedInto = q.Status, q.MergedInto
		if before.ProgressMode == ModeManual {
			f.Progress = q.Progress
		}
		in, errs := validate(ctx, tx, id, f)
		if len(errs) > 0 {
			return &InvalidError{Fields: errs}
		}
		if before.Version != version {
			return ErrConflict
		}
		return s.apply(ctx, tx, actor, before, in, version, history.OriginEdit)
	})
}

// FormOf fills the staff form from a stored action.
func FormOf(a Action) ActionForm {
	f := ActionForm{Identifier: a.Identifier, Title: a.Title, Description: a.Description,
		Theme: strconv.FormatInt(a.ThemeID, 10), Weight: strconv.FormatFloat(a.Weight, 'f', -1, 64),
		Status: a.Status, Phase: a.Phase, StartsOn: a.StartsOn, EndsOn: a.EndsOn, ProgressMode: a.ProgressMode,
		Departments: strings.Join(a.Departments, "\n"), Partners: strings.Join(a.Partners, "\n")}
	if a.ParentID != 0 {
		f.Parent = strconv.FormatInt(a.ParentID, 10)
	}
	if a.MergedIntoID != 0 {
		f.MergedInto = strconv.FormatInt(a.MergedIntoID, 10)
	}
	if a.ProgressManual != nil {
		f.Progress = strconv.Itoa(*a.ProgressManual)
	}
	return f
}

// diffFields lists what differs between two states of an action, in the
// history vocabulary.
func diffFields(before, after Action) []history.Change {
	o, n := fieldsOf(before), fieldsOf(after)
	var out []history.Change
	for i := range o {
		if o[i][1] != n[i][1] {
			out = append(out, history.Change{Field: o[i][0], Old: o[i][1], New: n[i][1]})
		}
	}
	return out
}

func fieldsOf(a Action) [][2]string {
	return [][2]string{
		{"identifier", a.Identifier}, {"title", a.Title}, {"description", a.Description}, {"theme", a.ThemeName},
		{"parent", a.ParentLabel}, {"weight", strconv.FormatFloat(a.Weight, 'f', -1, 64)}, {"status", a.Status},
		{"merged_into", a.MergedLabel}, {"phase", a.Phase}, {"starts_on", a.StartsOn}, {"ends_on", a.EndsOn},
		{"progress_mode", a.ProgressMode}, {"progress", formatProgress(a.Progress)},
		{"departments", strings.Join(a.Departments, "; ")}, {"partners", strings.Join(a.Partners, "; ")},
	}
}

func changedNames(changes []history.Change) string {
	names := make([]string, len(changes))
	for i, c := range changes {
		names[i] = c.Field
	}
	return strings.Join(names, ",")
}

// errorsOf returns the field errors of a refused input, or nil.
func errorsOf(err error) []FieldError {
	var inv *InvalidError
	if errors.As(err, &inv) {
		return inv.Fields
	}
	return nil
}
