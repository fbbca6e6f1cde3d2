package monitor

import (
	"context"
	"encoding/json"
	"time"

	"climatevolunteers/internal/db"
)

// Escalations counts the escalations waiting for coordinators, by reason.
// The JSON names are the ones the live page's cells carry (data-k).
type Escalations struct {
	NeedsHelp int `json:"esc_needs_help"`
	Unreached int `json:"esc_unreached"`
	Overdue   int `json:"esc_overdue"`
	Unmatched int `json:"esc_unmatched"`
	Withdrawn int `json:"esc_withdrawn"`
	Waiting   int `json:"esc_total"` // all reasons
}

func (e *Escalations) add(reason string, n int) {
	switch reason {
	case "needs_help":
		e.NeedsHelp += n
	case "unreached":
		e.Unreached += n
	case "overdue":
		e.Overdue += n
	case "unmatched":
		e.Unmatched += n
	case "withdrawn":
		e.Withdrawn += n
	default:
		return
	}
	e.Waiting += n
}

// Figures are the live counts of a district or of the whole episode, over
// the people in it (active assignments). Fine + NeedsHelp + NotReached +
// NotCalled = People, by last outcome.
type Figures struct {
	People     int `json:"people"`
	Matched    int `json:"matched"`   // a volunteer calls them
	Unmatched  int `json:"unmatched"` // City staff call them
	Called     int `json:"called"`    // at least one call recorded
	Fine       int `json:"fine"`
	NeedsHelp  int `json:"needs_help"`
	NotReached int `json:"not_reached"`
	NotCalled  int `json:"not_called"`
	Overdue    int `json:"overdue"` // a volunteer's next call due in the past
	// Volunteers have people assigned; Callers recorded a call in the
	// last 24 hours (to a person in the district, whoever holds them now).
	// Each counts once, so the total is not the districts' sum.
	Volunteers int `json:"volunteers"`
	Callers    int `json:"callers"`
	Escalations
}

func (f *Figures) addCounts(o Figures) {
	f.People += o.People
	f.Matched += o.Matched
	f.Unmatched += o.Unmatched
	f.Called += o.Called
	f.Fine += o.Fine
	f.NeedsHelp += o.NeedsHelp
	f.NotReached += o.NotReached
	f.NotCalled += o.NotCalled
	f.Overdue += o.Overdue
}

// DistrictFigures are one district's line of the dashboard.
type DistrictFigures struct {
	Code  string `json:"code"`
	Name  string `json:"name"`
	Level int    `json:"level"` // 0 for a district outside the episode's list
	Left  bool   `json:"left"`  // its level fell below 3 during the episode
	Figures
}

// Snapshot is an episode's state for the live dashboard.
type Snapshot struct {
	Episode   Episode           `json:"-"`
	EpisodeID int64             `json:"episode"`
	Ended     bool              `json:"ended"`
	Districts []DistrictFigures `json:"districts"`
	Total     Figures           `json:"total"`
	// At is when it was read; left out of the JSON so that an unchanged
	// episode gives the same bytes and is not sent again.
	At time.Time `json:"-"`
}

// CallerWindow is how far back "volunteers calling" looks.
const CallerWindow = 24 * time.Hour

// Snapshot counts an episode by district and in total. An ended episode's
// assignments have all stopped: its figures are the final ones, over
// everyone it took in (as its report counts them), as they stood when it
// ended. ErrNotFound when the episode does not exist.
func (s *Service) Snapshot(ctx context.Context, episodeID int64) (Snapshot, error) {
	now := db.Now()
	ep, err := s.store.Episode(ctx, episodeID)
	if err != nil {
		return Snapshot{}, err
	}
	ended := ep.EndedAt != nil
	snap := Snapshot{Episode: ep, EpisodeID: ep.ID, Ended: ended, At: now}
	asOf := now
	if ended {
		asOf = *ep.EndedAt
	}
	index := map[string]int{}
	for _, d := range ep.Districts {
		index[d.Code] = len(snap.Districts)
		// Ending the episode removes every district; those left before did leave.
		left := d.RemovedAt != nil && d.RemovedAt.Before(asOf)
		snap.Districts = append(snap.Districts, DistrictFigures{Code: d.Code, Name: d.Name, Level: d.Level, Left: left})
	}
	// row finds a district's line; people may remain in a district the
	// episode does not list (it never should, but they must be counted).
	row := func(code string) *DistrictFigures {
		i, ok := index[code]
		if !ok {
			i = len(snap.Districts)
			index[code] = i
			snap.Districts = append(snap.Districts, DistrictFigures{Code: code, Name: code})
		}
		return &snap.Districts[i]
	}
	live, err := s.store.LiveCounts(ctx, episodeID, ended, asOf, asOf.Add(-CallerWindow))
	if err != nil {
		return Snapshot{}, err
	}
	for _, c := range live.Districts {
		r := row(c.Code)
		r.addCounts(c.Figures)
		r.Volunteers, r.Callers = c.Volunteers, c.Callers
	}
	for _, e := range live.Escalations {
		row(e.Code).add(e.Reason, e.Count)
		snap.Total.add(e.Reason, e.Count)
	}
	for _, d := range snap.Districts {
		snap.Total.addCounts(d.Figures)
	}
	snap.Total.Volunteers, snap.Total.Callers = live.TotalVolunteers, live.TotalCallers
	return snap, nil
}

// payload is a snapshot as the stream sends it.
func (s *Service) payload(ctx context.Context, episodeID int64) ([]byte, error) {
	snap, err := s.Snapshot(ctx, episodeID)
	if err != nil {
		return nil, err
	}
	return json.Marshal(snap)
}
