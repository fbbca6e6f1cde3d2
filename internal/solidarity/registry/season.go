package registry

import "time"

// Paris is the city's time zone: the season ends at 23:59 there.
var Paris = mustZone("Europe/Paris")

func mustZone(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err) // time/tzdata is linked in by the command
	}
	return loc
}

// The heat plan's seasonal watch runs 1 June to 15 September
// (../shared/FACTS.md, "Extreme events"); entries last until its end.
const (
	seasonEndMonth = time.September
	seasonEndDay   = 15
)

// RenewalWindow: registrants are asked to renew this long before the end,
// and may renew from then on.
const RenewalWindow = 30 * 24 * time.Hour

// PurgeGrace is how long an expired entry is kept before the purge erases
// it, so that a late renewal is still possible and coordinators can call
// those who forgot. Expired entries are never given to matching meanwhile.
const PurgeGrace = 30 * 24 * time.Hour

// SeasonEnd is the first end of season (15 September, 23:59:59 in Paris)
// strictly after t.
func SeasonEnd(t time.Time) time.Time {
	y := t.In(Paris).Year()
	end := time.Date(y, seasonEndMonth, seasonEndDay, 23, 59, 59, 0, Paris)
	if !end.After(t) {
		end = time.Date(y+1, seasonEndMonth, seasonEndDay, 23, 59, 59, 0, Paris)
	}
	return end.UTC()
}

// RenewedEnd is the end a renewal at now gives an entry ending at current:
// the season after the current one (or after now, once expired). Renewing
// before the end must carry the entry into the next summer, which "the next
// 15 September after now" would not.
func RenewedEnd(current, now time.Time) time.Time {
	if now.After(current) {
		return SeasonEnd(now)
	}
	return SeasonEnd(current)
}

// RenewalOpen tells whether an entry ending at end may be renewed at now.
func RenewalOpen(end, now time.Time) bool { return !end.After(now.Add(RenewalWindow)) }

// StatusOf is the status of an entry ending at end, at now.
func StatusOf(end, now time.Time) Status {
	switch {
	case !end.After(now):
		return Expired
	case RenewalOpen(end, now):
		return Expiring
	}
	return Active
}
