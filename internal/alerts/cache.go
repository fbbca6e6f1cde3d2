package alerts

import (
	"context"
	"slices"
	"sync"
	"time"

	"climatevolunteers/internal/districts"
)

// situationTTL is how long every page's banner may lag a change made on
// another instance; changes made here are seen at once.
const situationTTL = 5 * time.Second

// situationCache keeps the current situation and the districts for the
// banners, so that a page costs no query while nothing changes.
type situationCache struct {
	mu    sync.Mutex
	at    time.Time
	gen   uint64 // bumped by forget: a read begun before a change is not kept
	view  cachedView
	valid bool
}

type cachedView struct {
	sit       Situation
	districts []districts.District
}

func (c *situationCache) forget() {
	c.mu.Lock()
	c.gen++
	c.valid = false
	c.mu.Unlock()
}

// cached returns the situation and districts, at most situationTTL old.
func (s *Service) cached(ctx context.Context) (cachedView, error) {
	c := &s.cache
	c.mu.Lock()
	if c.valid && time.Since(c.at) < situationTTL {
		v := c.view
		c.mu.Unlock()
		return v, nil
	}
	gen := c.gen
	c.mu.Unlock()
	sit, err := s.Current(ctx)
	if err != nil {
		return cachedView{}, err
	}
	ds, err := s.districts.List(ctx)
	if err != nil {
		return cachedView{}, err
	}
	v := cachedView{sit: sit, districts: ds}
	c.mu.Lock()
	if c.gen == gen { // no change committed here since the read began
		c.at, c.view, c.valid = time.Now(), v, true
	}
	c.mu.Unlock()
	return v, nil
}

// CachedCurrent is Current, at most situationTTL old.
func (s *Service) CachedCurrent(ctx context.Context) (Situation, error) {
	v, err := s.cached(ctx)
	return v.sit, err
}

// Alerted is one line of the banner: a hazard at banner level for the whole
// city, or for the districts listed whose own level is above the city's.
type Alerted struct {
	Hazard    Hazard
	Level     Level
	Advice    string // the city's advice, or the districts' most recent one
	City      bool
	Districts []string
}

// Alerting lists what every page's banner shows, per hazard: the city's
// level when it is at BannerLevel or more, then the districts whose own
// level is higher than that, grouped by level, highest first. Districts come
// in the order given by order.
func (sit Situation) Alerting(order []string) []Alerted {
	var out []Alerted
	for i, h := range Hazards {
		city := MinLevel
		if i < len(sit.City) {
			city = sit.City[i].Level
			if sit.City[i].Banner() {
				out = append(out, Alerted{Hazard: h, Level: city, Advice: sit.City[i].Advice, City: true})
			}
		}
		for l := MaxLevel; l >= BannerLevel && l > city; l-- {
			a := Alerted{Hazard: h, Level: l}
			var at time.Time
			for _, code := range order {
				effs := sit.Districts[code]
				if i >= len(effs) || effs[i].Level != l || effs[i].From == "" {
					continue
				}
				a.Districts = append(a.Districts, code)
				if e := effs[i]; e.Advice != "" && e.SetAt.After(at) {
					a.Advice, at = e.Advice, e.SetAt
				}
			}
			if len(a.Districts) > 0 {
				out = append(out, a)
			}
		}
	}
	return out
}

// Heatwave tells, for any district, whether a heat level of BannerLevel or
// more applies there (the city's level for "" or an unknown code): cool
// places then keep their heatwave hours.
func (s *Service) Heatwave(ctx context.Context) (func(districtCode string) bool, error) {
	sit, err := s.CachedCurrent(ctx)
	if err != nil {
		return nil, err
	}
	hot := func(effs []Effective) bool {
		return slices.ContainsFunc(effs, func(e Effective) bool { return e.Hazard == Heat && e.Banner() })
	}
	return func(code string) bool {
		if effs, ok := sit.Districts[code]; ok {
			return hot(effs)
		}
		return hot(sit.City)
	}, nil
}
