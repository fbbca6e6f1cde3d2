package alerts

import (
	"context"
	"slices"
	"sync"
	"time"
)

// situationTTL is how long every page's banner may lag a change made on
// another instance; changes made here are seen at once.
const situationTTL = 5 * time.Second

// situationCache keeps the current situation for the banners, so that a page
// costs no query while nothing changes.
type situationCache struct {
	mu  sync.Mutex
	at  time.Time
	sit Situation
}

func (c *situationCache) forget() {
	c.mu.Lock()
	c.at = time.Time{}
	c.mu.Unlock()
}

// CachedCurrent is Current, at most situationTTL old.
func (s *Service) CachedCurrent(ctx context.Context) (Situation, error) {
	c := &s.cache
	c.mu.Lock()
	if !c.at.IsZero() && time.Since(c.at) < situationTTL {
		sit := c.sit
		c.mu.Unlock()
		return sit, nil
	}
	c.mu.Unlock()
	sit, err := s.Current(ctx)
	if err != nil {
		return Situation{}, err
	}
	c.mu.Lock()
	c.at, c.sit = time.Now(), sit
	c.mu.Unlock()
	return sit, nil
}

// Alerted is one hazard at banner level somewhere: the highest level and the
// districts at banner level (all of them when the city is).
type Alerted struct {
	Hazard    Hazard
	Level     Level
	Advice    string // the advice of the highest level's most recent setting
	City      bool   // the whole city is at banner level
	Districts []string
}

// Alerting lists, per hazard, where levels are at BannerLevel or more: what
// every page's banner shows. Districts come in the order given by order.
func (sit Situation) Alerting(order []string) []Alerted {
	var out []Alerted
	for i, h := range Hazards {
		a := Alerted{Hazard: h}
		var at time.Time
		if i < len(sit.City) && sit.City[i].Banner() {
			e := sit.City[i]
			a.City, a.Level, a.Advice, at = true, e.Level, e.Advice, e.SetAt
		}
		for _, code := range order {
			effs := sit.Districts[code]
			if i >= len(effs) || !effs[i].Banner() {
				continue
			}
			e := effs[i]
			a.Districts = append(a.Districts, code)
			if e.Level > a.Level || (e.Level == a.Level && e.SetAt.After(at) && e.Advice != "") {
				a.Level, a.Advice, at = e.Level, e.Advice, e.SetAt
			}
		}
		if a.Level >= BannerLevel {
			out = append(out, a)
		}
	}
	return out
}

// HeatwaveIn tells whether a heat level of BannerLevel or more applies in a
// district, or anywhere in the city for "" (cool places then open their
// heatwave hours).
func (s *Service) HeatwaveIn(ctx context.Context, districtCode string) (bool, error) {
	sit, err := s.CachedCurrent(ctx)
	if err != nil {
		return false, err
	}
	hot := func(effs []Effective) bool {
		return slices.ContainsFunc(effs, func(e Effective) bool { return e.Hazard == Heat && e.Banner() })
	}
	if districtCode != "" {
		if effs, ok := sit.Districts[districtCode]; ok {
			return hot(effs), nil
		}
		return hot(sit.City), nil
	}
	if hot(sit.City) {
		return true, nil
	}
	for _, effs := range sit.Districts {
		if hot(effs) {
			return true, nil
		}
	}
	return false, nil
}
