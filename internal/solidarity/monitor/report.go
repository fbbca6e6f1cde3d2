package monitor

import (
	"context"
	"slices"
	"time"
)

// ReportRow is a district's line of an episode's report, or the total.
type ReportRow struct {
	Code, Name string
	People     int // in scope: every person the episode took in
	Matched    int // with a volunteer at the end (or when their district left)
	Unmatched  int // left to City staff
	Calls      int // calls recorded
	Fine       int // people reached and fine at least once
	NeededHelp int // people who needed help at least once
	// Escalations raised over the episode, resolved or not.
	UnreachedEscalations int
	OverdueEscalations   int
	Volunteers           int // assigned or having called; each once
	// MedianFirstCall is the median time from each person's latest
	// assignment (a reassignment restarts it) to the first call after it,
	// over the people called since; Called is how many they are.
	MedianFirstCall time.Duration
	Called          int
}

// HasMedian tells whether anyone was called, so that a median exists.
func (r ReportRow) HasMedian() bool { return r.Called > 0 }

// Report is an episode's figures by district, in display order, and in
// total. It holds no personal data.
type Report struct {
	Episode   Episode
	Districts []ReportRow
	Total     ReportRow
}

// Report reads an episode's figures. ErrNotFound when it does not exist.
func (s *Service) Report(ctx context.Context, episodeID int64) (Report, error) {
	ep, err := s.store.Episode(ctx, episodeID)
	if err != nil {
		return Report{}, err
	}
	c, err := s.store.ReportCounts(ctx, episodeID)
	if err != nil {
		return Report{}, err
	}
	rep := Report{Episode: ep}
	index := map[string]int{}
	for _, d := range ep.Districts {
		index[d.Code] = len(rep.Districts)
		rep.Districts = append(rep.Districts, ReportRow{Code: d.Code, Name: d.Name})
	}
	row := func(code string) *ReportRow {
		i, ok := index[code]
		if !ok {
			i = len(rep.Districts)
			index[code] = i
			rep.Districts = append(rep.Districts, ReportRow{Code: code, Name: code})
		}
		return &rep.Districts[i]
	}
	for _, a := range c.Assignments {
		r := row(a.Code)
		r.People, r.Matched, r.Unmatched = a.People, a.Matched, a.People-a.Matched
	}
	for _, x := range c.Calls {
		r := row(x.Code)
		r.Calls, r.Fine, r.NeededHelp = x.Calls, x.Fine, x.NeededHelp
	}
	for _, e := range c.Escalations {
		r := row(e.Code)
		switch e.Reason {
		case "unreached":
			r.UnreachedEscalations += e.Count
		case "overdue":
			r.OverdueEscalations += e.Count
		}
	}
	for _, v := range c.Volunteers {
		row(v.Code).Volunteers = v.Count
	}
	byDistrict := map[string][]int64{}
	var all []int64
	for _, f := range c.FirstCalls {
		byDistrict[f.Code] = append(byDistrict[f.Code], f.Seconds)
		all = append(all, f.Seconds)
	}
	t := &rep.Total
	for i := range rep.Districts {
		r := &rep.Districts[i]
		r.Called, r.MedianFirstCall = median(byDistrict[r.Code])
		t.People += r.People
		t.Matched += r.Matched
		t.Unmatched += r.Unmatched
		t.Calls += r.Calls
		t.Fine += r.Fine
		t.NeededHelp += r.NeededHelp
		t.UnreachedEscalations += r.UnreachedEscalations
		t.OverdueEscalations += r.OverdueEscalations
	}
	t.Volunteers = c.TotalVolunteers
	t.Called, t.MedianFirstCall = median(all)
	return rep, nil
}

// median of seconds, as a duration, with how many values there were.
func median(secs []int64) (int, time.Duration) {
	n := len(secs)
	if n == 0 {
		return 0, 0
	}
	s := slices.Clone(secs)
	slices.Sort(s)
	m := s[n/2]
	if n%2 == 0 {
		m = (s[n/2-1] + s[n/2]) / 2
	}
	return n, time.Duration(m) * time.Second
}

// Episodes lists a page of episodes, the latest first.
func (s *Service) Episodes(ctx context.Context, offset, limit int) ([]Episode, int, error) {
	return s.store.Episodes(ctx, offset, limit)
}

// OpenEpisodes lists the episodes in progress, the latest first.
func (s *Service) OpenEpisodes(ctx context.Context) ([]Episode, error) {
	return s.store.OpenEpisodes(ctx)
}
