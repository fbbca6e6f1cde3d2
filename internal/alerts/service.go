package alerts

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"climatevolunteers/internal/audit"
	"climatevolunteers/internal/db"
	"climatevolunteers/internal/districts"
)

// Districts gives the city's districts: the codes a level may be set for.
type Districts interface {
	List(ctx context.Context) ([]districts.District, error)
}

// Actor is who asks for a change.
type Actor struct {
	UserID int64
	Role   string // the account's platform role
}

// canSet: coordinators and administrators set alert levels.
func canSet(a Actor) bool { return a.UserID > 0 && (a.Role == "coordinator" || a.Role == "admin") }

// Service is the feature's logic.
type Service struct {
	db        *db.DB
	districts Districts
	cache     situationCache

	// AfterChange, when set, is called after levels were committed (the
	// solidarity episodes follow them). Its error is returned wrapped in
	// AfterChangeError.
	AfterChange func(ctx context.Context, actor Actor, hazard Hazard) error
}

// NewService binds the service to the database and the districts.
func NewService(d *db.DB, ds Districts) *Service { return &Service{db: d, districts: ds} }

// Set makes level the current one for hazard in a district, or in the whole
// city when districtCode is "". The replaced level keeps its row, ended now.
// Setting the level and advice already current changes nothing and returns
// the current row. A district's own level applies when it is at least the
// city's: to let a district follow the city again, set it to 1.
func (s *Service) Set(ctx context.Context, actor Actor, hazard Hazard, districtCode string, level Level, advice string) (Record, error) {
	var codes []string
	if districtCode != "" {
		codes = []string{districtCode}
	}
	rs, err := s.SetMany(ctx, actor, hazard, codes, level, advice)
	if err != nil {
		return Record{}, err
	}
	return rs[0], nil
}

// SetMany is Set for several districts at once (the whole city when codes is
// empty), all or nothing, in one transaction. Once committed, AfterChange
// hears of it.
func (s *Service) SetMany(ctx context.Context, actor Actor, hazard Hazard, codes []string, level Level, advice string) ([]Record, error) {
	if !canSet(actor) {
		return nil, ErrForbidden
	}
	if len(codes) == 0 {
		codes = []string{""}
	}
	codes = slices.Compact(slices.Sorted(slices.Values(codes)))
	known, err := s.districts.List(ctx)
	if err != nil {
		return nil, err
	}
	rs := make([]Record, len(codes))
	for i, code := range codes {
		r, err := validate(known, hazard, code, level, advice)
		if err != nil {
			return nil, err
		}
		r.SetBy = actor.UserID
		rs[i] = r
	}
	err = s.db.Tx(ctx, func(tx *db.Tx) error {
		if err := lockLevels(ctx, tx); err != nil {
			return err
		}
		for i := range rs {
			if err := setTx(ctx, tx, actor, &rs[i]); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	s.cache.forget()
	if s.AfterChange != nil {
		if err := s.AfterChange(ctx, actor, hazard); err != nil {
			return rs, &AfterChangeError{Err: err}
		}
	}
	return rs, nil
}

// AfterChangeError reports that levels were set but what follows them (the
// solidarity episode) failed; the levels stay set.
type AfterChangeError struct{ Err error }

func (e *AfterChangeError) Error() string { return "alerts: after the change: " + e.Err.Error() }
func (e *AfterChangeError) Unwrap() error { return e.Err }

// setTx makes r current for its hazard and scope inside tx; unchanged
// levels and advice keep the current row.
func setTx(ctx context.Context, tx *db.Tx, actor Actor, r *Record) error {
	prev, had, err := currentTx(ctx, tx, r.Hazard, r.Scope())
	if err != nil {
		return err
	}
	if had && prev.Level == r.Level && prev.Advice == r.Advice {
		*r = prev
		return nil
	}
	now := db.Now()
	if r.ID, err = replace(ctx, tx, *r, now); err != nil {
		return err
	}
	r.SetAt = now
	from := "none"
	if had {
		from = fmt.Sprint(int(prev.Level))
	}
	return audit.Record(ctx, tx, audit.Entry{ActorID: actor.UserID, Action: audit.ActionAlertLevelSet,
		TargetType: "alert_level", TargetID: fmt.Sprint(r.ID),
		Detail: fmt.Sprintf("%s, %s: %s -> %d", r.Hazard, r.Scope(), from, r.Level)})
}

// validate checks a change against the known districts and returns it as a
// record, advice trimmed.
func validate(known []districts.District, h Hazard, districtCode string, l Level, advice string) (Record, error) {
	if !h.Valid() {
		return Record{}, &FieldError{Field: "hazard", Key: "form.error.choice"}
	}
	if !l.Valid() {
		return Record{}, &FieldError{Field: "level", Key: "form.error.choice"}
	}
	advice = strings.TrimSpace(strings.ToValidUTF8(advice, "\uFFFD"))
	if utf8.RuneCountInString(advice) > MaxAdvice {
		return Record{}, &FieldError{Field: "advice", Key: "form.error.too_long"} // {0} is MaxAdvice
	}
	// "city" is reserved for the city's scope.
	if districtCode != "" && (districtCode == CityScope ||
		!slices.ContainsFunc(known, func(d districts.District) bool { return d.Code == districtCode })) {
		return Record{}, &FieldError{Field: "district", Key: "form.error.choice"}
	}
	return Record{Hazard: h, DistrictCode: districtCode, Level: l, Advice: advice}, nil
}

// Current returns the effective levels of the city and of every district.
func (s *Service) Current(ctx context.Context) (Situation, error) {
	ds, err := s.districts.List(ctx)
	if err != nil {
		return Situation{}, err
	}
	rows, err := currentRows(ctx, s.db)
	if err != nil {
		return Situation{}, err
	}
	sit := Situation{City: effective(rows, ""), Districts: make(map[string][]Effective, len(ds))}
	for _, d := range ds {
		sit.Districts[d.Code] = effective(rows, d.Code)
	}
	return sit, nil
}

// EffectiveFor returns the levels that apply in a district (the city's for
// "" or a code without levels of its own), one per hazard in Hazards order.
func (s *Service) EffectiveFor(ctx context.Context, districtCode string) ([]Effective, error) {
	rows, err := currentFor(ctx, s.db, districtCode)
	if err != nil {
		return nil, err
	}
	return effective(rows, districtCode), nil
}

// Banner tells whether pages seen from a district ("" for the city) show an
// alert banner, and with which levels and advice.
func (s *Service) Banner(ctx context.Context, districtCode string) (Banner, error) {
	eff, err := s.EffectiveFor(ctx, districtCode)
	if err != nil {
		return Banner{}, err
	}
	var b Banner
	for _, e := range eff {
		if e.Banner() {
			b.Alerts = append(b.Alerts, e)
		}
	}
	slices.SortStableFunc(b.Alerts, func(x, y Effective) int { return int(y.Level - x.Level) })
	return b, nil
}

// DefaultHistory and MaxHistory bound History's limit.
const (
	DefaultHistory = 100
	MaxHistory     = 1000
)

// History returns the latest changes first, current and ended.
func (s *Service) History(ctx context.Context, limit int) ([]Record, error) {
	if limit <= 0 {
		limit = DefaultHistory
	}
	limit = min(limit, MaxHistory)
	return history(ctx, s.db, limit)
}

// effective picks, for each hazard, the district's own level when it is at
// least the city's, and the city's otherwise (also when the district has
// none). With neither, the level is 1.
func effective(rows []Record, districtCode string) []Effective {
	out := make([]Effective, 0, len(Hazards))
	for _, h := range Hazards {
		var city, own *Record
		for i := range rows {
			r := &rows[i]
			if r.Hazard != h {
				continue
			}
			switch {
			case r.DistrictCode == "":
				city = r
			case districtCode != "" && r.DistrictCode == districtCode:
				own = r
			}
		}
		e := Effective{Hazard: h, Level: MinLevel}
		switch {
		case own != nil && (city == nil || own.Level >= city.Level):
			e = Effective{Hazard: h, Level: own.Level, Advice: own.Advice, From: own.DistrictCode, SetAt: own.SetAt}
			if e.Advice == "" && city != nil && city.Level == own.Level {
				e.Advice = city.Advice
			}
		case city != nil:
			e = Effective{Hazard: h, Level: city.Level, Advice: city.Advice, SetAt: city.SetAt}
		}
		out = append(out, e)
	}
	return out
}

// HistoryPageSize is how many changes a history page shows.
const HistoryPageSize = 50

// HistoryPage returns page (from 1) of the changes, latest first, and the
// number of changes.
func (s *Service) HistoryPage(ctx context.Context, page int) ([]Record, int, error) {
	page = max(page, 1)
	return historyPage(ctx, s.db, HistoryPageSize, (page-1)*HistoryPageSize)
}

// Districts lists the districts levels may be set for, in display order.
func (s *Service) Districts(ctx context.Context) ([]districts.District, error) {
	return s.districts.List(ctx)
}
