package episodes

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"
	"time"

	"climatevolunteers/internal/alerts"
	"climatevolunteers/internal/audit"
	"climatevolunteers/internal/db"
	"climatevolunteers/internal/solidarity"
	"climatevolunteers/internal/solidarity/matching"
	"climatevolunteers/internal/volunteers"
)

// Sync makes the open episode of hazard match the districts whose
// effective level is 3 or more: it opens one when there is none, adds the
// districts newly covered (and updates the level of those already in),
// marks the districts that left (their assignments stop) and ends the
// episode when none is left. People of covered districts who have nobody
// to call them (newly covered, newly registered, unmatched so far, or
// whose volunteer is no longer an available member of the network) are
// matched to members with room left; those still unmatched are escalated
// for City staff. Volunteers given people are told through the outbox,
// coordinators about people taken from volunteers who left. The lead
// calls it after every alert change, and every minute; calling it again
// changes nothing.
//
// The registry and the network are read, and matching runs, outside the
// write transaction (their reads may write audit rows, and matching takes a
// while); the transaction then checks that what the plan was made from has
// not changed (the episode's districts and rows, the volunteers' membership
// and room) and plans again when it has.
func (s *Service) Sync(ctx context.Context, actorID int64, hazard alerts.Hazard) error {
	if !hazard.Valid() {
		return fmt.Errorf("episodes: unknown hazard %q", hazard)
	}
	for range maxSyncAttempts {
		p, err := s.planSync(ctx, hazard)
		if err != nil {
			return err
		}
		if p.empty() {
			return nil
		}
		err = s.applySync(ctx, actorID, p)
		if !errors.Is(err, errStale) {
			return err
		}
	}
	return ErrBusy
}

const maxSyncAttempts = 5

// districtLevel is a district and its level.
type districtLevel struct {
	code  string
	level int
}

// snapshot is what a plan was made from: the open episode of a hazard, its
// districts, and a summary of its rows.
type snapshot struct {
	episodeID             int64
	districts             map[string]districtState
	rows, maxRow, actives int64
}

type districtState struct {
	level   int
	removed bool
}

func (a snapshot) equal(b snapshot) bool {
	return a.episodeID == b.episodeID && a.rows == b.rows && a.maxRow == b.maxRow && a.actives == b.actives &&
		maps.Equal(a.districts, b.districts)
}

// readSnapshot reads the open episode of hazard; lock holds its row on
// PostgreSQL.
func readSnapshot(ctx context.Context, q querier, hazard alerts.Hazard, lock bool) (snapshot, error) {
	s := snapshot{districts: map[string]districtState{}}
	query := "SELECT id FROM solidarity_episodes WHERE hazard = ? AND ended_at IS NULL"
	if tx, ok := q.(*db.Tx); ok && lock && tx.Engine() == db.Postgres {
		query += " FOR UPDATE"
	}
	err := q.QueryRow(ctx, query, string(hazard)).Scan(&s.episodeID)
	if errors.Is(err, sql.ErrNoRows) {
		return s, nil
	}
	if err != nil {
		return s, err
	}
	rows, err := q.Query(ctx, `SELECT district_code, level, removed_at IS NOT NULL FROM solidarity_episode_districts
		WHERE episode_id = ?`, s.episodeID)
	if err != nil {
		return s, err
	}
	for rows.Next() {
		var code string
		var st districtState
		if err := rows.Scan(&code, &st.level, &st.removed); err != nil {
			rows.Close()
			return s, err
		}
		s.districts[code] = st
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return s, err
	}
	err = q.QueryRow(ctx, `SELECT COUNT(*), COALESCE(MAX(id), 0), COALESCE(SUM(active), 0) FROM solidarity_assignments
		WHERE episode_id = ?`, s.episodeID).Scan(&s.rows, &s.maxRow, &s.actives)
	return s, err
}

// rowState is an assignment row as planning sees it.
type rowState struct {
	id, person, volunteer int64
	district              string
	active                bool
	version               int
	due                   time.Time // next call due
}

func episodeRows(ctx context.Context, q querier, episodeID int64) ([]rowState, error) {
	rows, err := q.Query(ctx, `SELECT id, COALESCE(person_id, 0), COALESCE(volunteer_id, 0), district_code, active, version,
		next_due_at FROM solidarity_assignments WHERE episode_id = ?`, episodeID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []rowState
	for rows.Next() {
		var r rowState
		if err := rows.Scan(&r.id, &r.person, &r.volunteer, &r.district, &r.active, &r.version, &r.due); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// lastPairs gives, per person, their volunteer in the latest ended episode
// that included them (of either hazard: the person knows that volunteer's
// voice); nobody when they had none there.
func lastPairs(ctx context.Context, q querier) (map[int64]int64, error) {
	rows, err := q.Query(ctx, `SELECT a.person_id, COALESCE(a.volunteer_id, 0) FROM solidarity_assignments a
		JOIN solidarity_episodes e ON e.id = a.episode_id
		WHERE e.ended_at IS NOT NULL AND a.person_id IS NOT NULL ORDER BY e.ended_at, e.id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64]int64{}
	for rows.Next() {
		var p, v int64
		if err := rows.Scan(&p, &v); err != nil {
			return nil, err
		}
		out[p] = v // a later episode's replaces an earlier one's
	}
	return out, rows.Err()
}

// wanted lists the districts whose effective level for hazard is 3 or
// more, and when the hazard's levels last changed.
func wanted(sit alerts.Situation, hazard alerts.Hazard) (map[string]int, time.Time) {
	out := map[string]int{}
	var changed time.Time
	for _, e := range sit.City {
		if e.Hazard == hazard && e.SetAt.After(changed) {
			changed = e.SetAt
		}
	}
	for code, effs := range sit.Districts {
		for _, e := range effs {
			if e.Hazard != hazard {
				continue
			}
			if e.SetAt.After(changed) {
				changed = e.SetAt
			}
			if e.Level >= alerts.BannerLevel {
				out[code] = int(min(e.Level, alerts.MaxLevel))
			}
		}
	}
	return out, changed
}

// endedSince reports whether the last episode of hazard ended after t: a
// coordinator's end holds until the alert levels change again.
func endedSince(ctx context.Context, q querier, hazard alerts.Hazard, t time.Time) (bool, error) {
	var ended time.Time
	err := q.QueryRow(ctx, `SELECT ended_at FROM solidarity_episodes WHERE hazard = ? AND ended_at IS NOT NULL
		ORDER BY ended_at DESC, id DESC LIMIT 1`, string(hazard)).Scan(&ended)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return err == nil && ended.After(t), err
}

// syncPlan is what Sync will change.
type syncPlan struct {
	hazard alerts.Hazard
	at     time.Time
	snap   snapshot
	want   map[string]int

	add, readd, relevel []districtLevel
	remove              []string
	end                 bool
	gone                []rowState // active rows of people no longer registered
	match               matchPlan
	staff               []volunteers.Contact // mailed when people are taken from volunteers who left
}

func (p *syncPlan) empty() bool {
	return !p.end && len(p.add)+len(p.readd)+len(p.relevel)+len(p.remove)+len(p.gone)+len(p.match.decisions) == 0
}

func (s *Service) planSync(ctx context.Context, hazard alerts.Hazard) (*syncPlan, error) {
	sit, err := s.Alerts.Current(ctx)
	if err != nil {
		return nil, err
	}
	p := &syncPlan{hazard: hazard, at: s.now()}
	var changed time.Time
	p.want, changed = wanted(sit, hazard)
	if p.snap, err = readSnapshot(ctx, s.DB, hazard, false); err != nil {
		return nil, err
	}
	if len(p.want) == 0 {
		p.end = p.snap.episodeID != 0
		return p, nil
	}
	if p.snap.episodeID == 0 {
		if held, err := endedSince(ctx, s.DB, hazard, changed); err != nil || held {
			return &syncPlan{}, err // ended by a coordinator since the last change: nothing to open
		}
	}
	for code, level := range p.want {
		st, in := p.snap.districts[code]
		switch {
		case !in:
			p.add = append(p.add, districtLevel{code, level})
		case st.removed:
			p.readd = append(p.readd, districtLevel{code, level})
		case st.level != level:
			p.relevel = append(p.relevel, districtLevel{code, level})
		}
	}
	for code, st := range p.snap.districts {
		if _, ok := p.want[code]; !ok && !st.removed {
			p.remove = append(p.remove, code)
		}
	}
	var rows []rowState
	if p.snap.episodeID != 0 {
		if rows, err = episodeRows(ctx, s.DB, p.snap.episodeID); err != nil {
			return nil, err
		}
	}
	if err := s.planMatching(ctx, p, rows); err != nil {
		return nil, err
	}
	return p, nil
}

// planMatching finds the people of covered districts without a volunteer,
// or whose volunteer is no longer an available member, and matches them;
// it also lists the active rows of people who left the registry.
func (s *Service) planMatching(ctx context.Context, p *syncPlan, rows []rowState) error {
	covered := slices.Sorted(maps.Keys(p.want))
	people, err := s.Registry.Active(ctx, covered, p.at)
	if err != nil {
		return err
	}
	rm, err := s.readRoom(ctx, s.DB)
	if err != nil {
		return err
	}
	byPerson := make(map[int64]rowState, len(rows))
	for _, r := range rows {
		if r.person != 0 {
			byPerson[r.person] = r
		}
	}
	registered := make(map[int64]bool, len(people))
	var cands []candidate
	left := false
	for _, person := range people {
		if _, ok := p.want[person.District]; !ok {
			continue
		}
		registered[person.ID] = true
		r, has := byPerson[person.ID]
		if has && r.active && r.volunteer != 0 && rm.member(r.volunteer) {
			continue // someone calls them already
		}
		c := candidate{Person: matching.Person{ID: person.ID, Lat: person.Lat, Lon: person.Lon,
			Languages: person.Languages, District: person.District}, row: r}
		if rm.member(r.volunteer) {
			c.Previous = r.volunteer // their volunteer earlier in this episode
		} else if r.active && r.volunteer != 0 {
			c.reason, left = UnmatchedVolunteerLeft, true // their volunteer left the network
		}
		cands = append(cands, c)
	}
	for _, r := range rows {
		if _, covered := p.want[r.district]; covered && r.active && (r.person == 0 || !registered[r.person]) {
			p.gone = append(p.gone, r)
		}
	}
	if left {
		if p.staff, err = s.Staff.Coordinators(ctx); err != nil {
			return err
		}
	}
	p.match, err = s.planPairs(ctx, cands, rm, 0, true)
	return err
}

// candidate is a person to match and the row they have in the episode, if
// any (row.id 0: none yet).
type candidate struct {
	matching.Person
	row    rowState
	reason string // why, if nobody can take them; matching's reason when ""
}

// decision is what matching decided for one person.
type decision struct {
	person    int64
	district  string
	row       rowState // the row to update; id 0 for a new row
	volunteer int64    // 0: nobody
	reason    string   // when nobody
	kept      bool
	meters    int64
}

// mailHandedOver tells coordinators about the people decisions take from
// their volunteer (who left the network): handed to another volunteer, or
// to nobody. The mail is named after the first such row at its version.
func (s *Service) mailHandedOver(ctx context.Context, tx *db.Tx, staff []volunteers.Contact, ds []decision) error {
	var moved, left int
	var key string
	for _, d := range ds {
		if !d.row.active || d.row.volunteer == 0 {
			continue
		}
		if key == "" {
			key = fmt.Sprintf("solidarity-left:%dv%d", d.row.id, d.row.version)
		}
		if d.volunteer != 0 {
			moved++
		} else {
			left++
		}
	}
	if key == "" {
		return nil
	}
	return s.mailStaff(ctx, tx, staff, "volunteer_left", key,
		staffMail{Moved: moved, Left: left, Link: s.BaseURL + "/coordination/solidarity/escalations"})
}

// matchPlan is the outcome of matching and what telling the volunteers
// needs.
type matchPlan struct {
	decisions []decision
	notices   noticeData
}

// room is who may be given people now: the available members, and how
// many more people each can take.
type room struct {
	members []solidarity.Member
	spare   map[int64]int // by member; no entry: not an available member
}

func (r room) member(id int64) bool {
	_, ok := r.spare[id]
	return ok
}

// readRoom reads the available members and the people they call in open
// episodes.
func (s *Service) readRoom(ctx context.Context, q querier) (room, error) {
	members, err := s.Network.Available(ctx)
	if err != nil {
		return room{}, err
	}
	used, err := usedCapacity(ctx, q)
	if err != nil {
		return room{}, err
	}
	r := room{members: members, spare: make(map[int64]int, len(members))}
	for _, m := range members {
		if !r.member(m.UserID) {
			r.spare[m.UserID] = min(m.Capacity, matching.MaxCapacity) - used[m.UserID]
		}
	}
	return r, nil
}

// planPairs matches cands to the members with room left (leaving out
// exclude). With usePrevious, people without a previous volunteer in the
// episode get their pair of the last ended episode. A person already
// unmatched in the episode who stays unmatched gets no decision: nothing
// changes for them.
func (s *Service) planPairs(ctx context.Context, cands []candidate, rm room, exclude int64, usePrevious bool) (matchPlan, error) {
	var mp matchPlan
	if len(cands) == 0 {
		return mp, nil
	}
	if usePrevious {
		prev, err := lastPairs(ctx, s.DB)
		if err != nil {
			return mp, err
		}
		for i := range cands {
			if cands[i].Previous == 0 {
				cands[i].Previous = prev[cands[i].ID]
			}
		}
	}
	var vols []matching.Volunteer
	seen := map[int64]bool{}
	for _, m := range rm.members {
		if seen[m.UserID] {
			continue // matching refuses duplicates: one bad list must not stop an activation
		}
		seen[m.UserID] = true
		if spare := rm.spare[m.UserID]; spare > 0 && m.UserID != exclude && validPoint(m.Lat, m.Lon) {
			vols = append(vols, matching.Volunteer{ID: m.UserID, Lat: m.Lat, Lon: m.Lon, Capacity: spare,
				Languages: m.Languages, Districts: m.Districts})
		}
	}
	// A person may have a row in a heat and a flood episode (a
	// withdrawal moves both): they are matched once, to one volunteer.
	byID := make(map[int64][]candidate, len(cands))
	var people []matching.Person
	for _, c := range cands {
		if len(byID[c.ID]) == 0 && validPoint(c.Lat, c.Lon) {
			people = append(people, c.Person)
		}
		byID[c.ID] = append(byID[c.ID], c)
	}
	res, err := matching.Match(people, vols, matching.Options{KeepBonusMeters: keepBonusMeters})
	if err != nil {
		return mp, err
	}
	matched := map[int64]bool{}
	for _, pr := range res.Pairs {
		matched[pr.PersonID] = true
		for _, c := range byID[pr.PersonID] {
			mp.decisions = append(mp.decisions, decision{person: c.ID, district: c.District, row: c.row,
				volunteer: pr.VolunteerID, kept: pr.Kept, meters: pr.Meters})
		}
	}
	reasons := map[int64]string{}
	for _, u := range res.Unmatched {
		reasons[u.PersonID] = UnmatchedNoVolunteer
		if u.Reason == matching.AllFull {
			reasons[u.PersonID] = UnmatchedAllFull
		}
	}
	for _, c := range cands {
		if matched[c.ID] || (c.row.id != 0 && c.row.active && c.row.volunteer == 0) {
			continue // matched, or already waiting for City staff
		}
		reason := cmp.Or(c.reason, reasons[c.ID], UnmatchedNoVolunteer) // none: no usable position
		mp.decisions = append(mp.decisions, decision{person: c.ID, district: c.District, row: c.row, reason: reason})
	}
	mp.notices, err = s.noticeData(ctx, mp.decisions)
	return mp, err
}

// validPoint keeps corrupt positions (NaN, out of range) out of matching:
// one bad entry must not stop an activation.
func validPoint(lat, lon float64) bool {
	return !math.IsNaN(lat) && !math.IsNaN(lon) && lat >= -90 && lat <= 90 && lon >= -180 && lon <= 180
}

// applySync writes the plan in one transaction, or returns errStale when
// what it was made from changed.
func (s *Service) applySync(ctx context.Context, actorID int64, p *syncPlan) error {
	return s.DB.Tx(ctx, func(tx *db.Tx) error {
		if err := lockAssignments(ctx, tx); err != nil {
			return err
		}
		cur, err := readSnapshot(ctx, tx, p.hazard, true)
		if err != nil {
			return err
		}
		if !cur.equal(p.snap) {
			return errStale
		}
		if err := s.checkRoom(ctx, tx, p.match.decisions); err != nil {
			return err
		}
		now := s.now()
		epID := cur.episodeID
		if p.end {
			if err := s.endEpisodeTx(ctx, tx, epID, actorID, now, "alert below level 3 everywhere"); err != nil {
				return err
			}
			s.changed(tx, epID)
			return nil
		}
		if epID == 0 {
			var by any
			if actorID > 0 {
				by = actorID
			}
			if err := tx.QueryRow(ctx, `INSERT INTO solidarity_episodes (hazard, started_at, started_by) VALUES (?, ?, ?) RETURNING id`,
				string(p.hazard), now, by).Scan(&epID); err != nil {
				return err
			}
		}
		if err := s.applyDistricts(ctx, tx, epID, p, now); err != nil {
			return err
		}
		if len(p.gone) > 0 {
			ids := make([]int64, len(p.gone))
			for i, r := range p.gone {
				ids[i] = r.id
			}
			if err := deactivateRows(ctx, tx, ids, ResolvedLeftRegistry, now); err != nil {
				return err
			}
		}
		iv, err := intervals(ctx, tx)
		if err != nil {
			return err
		}
		assigned, unmatched, err := s.applyDecisions(ctx, tx, epID, p.hazard, p.want, iv, p.match, now)
		if err != nil {
			return err
		}
		if err := s.mailHandedOver(ctx, tx, p.staff, p.match.decisions); err != nil {
			return err
		}
		if len(p.add)+len(p.readd) > 0 || assigned+unmatched > 0 {
			var codes []string
			for _, d := range append(slices.Clone(p.add), p.readd...) {
				codes = append(codes, d.code)
			}
			slices.Sort(codes)
			if err := audit.Record(ctx, tx, audit.Entry{ActorID: actorID, Action: audit.ActionSolidarityActivated,
				TargetType: "solidarity_episode", TargetID: fmt.Sprint(epID),
				Detail: fmt.Sprintf("%s: districts added [%s]; %d people assigned, %d unmatched",
					p.hazard, strings.Join(codes, " "), assigned, unmatched)}); err != nil {
				return err
			}
		}
		s.changed(tx, epID)
		return nil
	})
}

// applyDistricts adds, brings back, re-levels and removes districts.
func (s *Service) applyDistricts(ctx context.Context, tx *db.Tx, epID int64, p *syncPlan, now time.Time) error {
	for _, d := range p.add {
		if _, err := tx.Exec(ctx, `INSERT INTO solidarity_episode_districts (episode_id, district_code, level, added_at)
			VALUES (?, ?, ?, ?)`, epID, d.code, d.level, now); err != nil {
			return err
		}
	}
	for _, d := range p.readd {
		if _, err := tx.Exec(ctx, `UPDATE solidarity_episode_districts SET level = ?, added_at = ?, removed_at = NULL
			WHERE episode_id = ? AND district_code = ?`, d.level, now, epID, d.code); err != nil {
			return err
		}
	}
	if len(p.relevel) > 0 {
		iv, err := intervals(ctx, tx)
		if err != nil {
			return err
		}
		for _, d := range p.relevel {
			if _, err := tx.Exec(ctx, `UPDATE solidarity_episode_districts SET level = ? WHERE episode_id = ? AND district_code = ?`,
				d.level, epID, d.code); err != nil {
				return err
			}
			if err := rescheduleDistrict(ctx, tx, epID, d.code, interval(iv, d.level)); err != nil {
				return err
			}
		}
	}
	for _, code := range p.remove {
		if _, err := tx.Exec(ctx, `UPDATE solidarity_episode_districts SET removed_at = ? WHERE episode_id = ? AND district_code = ?`,
			now, epID, code); err != nil {
			return err
		}
		if err := deactivateWhere(ctx, tx, "episode_id = ? AND district_code = ?", []any{epID, code}, ResolvedDistrictLeft, now); err != nil {
			return err
		}
	}
	return nil
}

// checkRoom makes sure, under the lock, that every volunteer given people
// is still an available member with room for them: they may have left the
// network, or another change used their room, since the plan was made. A
// person given in two episodes counts once.
func (s *Service) checkRoom(ctx context.Context, tx *db.Tx, ds []decision) error {
	adds := map[int64]int{}
	seen := map[[2]int64]bool{}
	for _, d := range ds {
		if k := [2]int64{d.volunteer, d.person}; d.volunteer != 0 && !seen[k] {
			seen[k] = true
			adds[d.volunteer]++
		}
	}
	if len(adds) == 0 {
		return nil
	}
	rm, err := s.readRoom(ctx, tx)
	if err != nil {
		return err
	}
	for v, n := range adds {
		if spare, ok := rm.spare[v]; !ok || n > spare {
			return errStale
		}
	}
	return nil
}

// insertChunk bounds the rows of one INSERT: 10 parameters a row stays
// far below both engines' limits.
const insertChunk = 500

// applyDecisions writes matching's decisions: new rows in multi-row
// INSERTs, existing rows updated if unchanged since the plan. A person
// moved from one volunteer (or from City staff) to another keeps their
// call clock: the next call is due when it was, or now if that has passed;
// a person back in the alert starts afresh. Unmatched people are
// escalated, people now matched have their waiting escalation resolved,
// and the volunteers given people are told.
func (s *Service) applyDecisions(ctx context.Context, tx *db.Tx, epID int64, hazard alerts.Hazard, levels map[string]int,
	iv map[int]time.Duration, mp matchPlan, now time.Time) (assigned, unmatched int, err error) {
	var fresh []decision
	newIDs := map[int64]int64{} // person -> new row id
	var matchedRows, unmatchedRows []int64
	for _, d := range mp.decisions {
		if d.volunteer != 0 {
			assigned++
		} else {
			unmatched++
		}
		if d.row.id == 0 {
			fresh = append(fresh, d)
			continue
		}
		next := now.Add(interval(iv, levels[d.district]))
		if d.row.active {
			next = later(d.row.due, now)
		}
		res, err := tx.Exec(ctx, `UPDATE solidarity_assignments SET previous_volunteer_id = COALESCE(volunteer_id, previous_volunteer_id),
			volunteer_id = ?, unmatched_reason = ?, kept = ?, meters = ?,
			district_code = ?, next_due_at = ?, assigned_at = CASE WHEN active = 1 THEN assigned_at ELSE ? END, active = 1,
			version = version + 1 WHERE id = ? AND version = ?`,
			nullID(d.volunteer), d.reason, boolInt(d.kept), d.meters, d.district, next, now, d.row.id, d.row.version)
		if err != nil {
			return 0, 0, err
		}
		if n, err := res.RowsAffected(); err != nil || n != 1 {
			return 0, 0, cmpErr(err, errStale)
		}
		if d.volunteer != 0 {
			matchedRows = append(matchedRows, d.row.id)
		} else {
			unmatchedRows = append(unmatchedRows, d.row.id)
		}
	}
	for start := 0; start < len(fresh); start += insertChunk {
		chunk := fresh[start:min(start+insertChunk, len(fresh))]
		args := make([]any, 0, 10*len(chunk))
		for _, d := range chunk {
			args = append(args, epID, d.person, d.district, nullID(d.volunteer), d.reason, boolInt(d.kept), d.meters,
				now.Add(interval(iv, levels[d.district])), now, 1)
		}
		rows, err := tx.Query(ctx, `INSERT INTO solidarity_assignments (episode_id, person_id, district_code, volunteer_id,
			unmatched_reason, kept, meters, next_due_at, assigned_at, active) VALUES `+
			strings.TrimSuffix(strings.Repeat("(?, ?, ?, ?, ?, ?, ?, ?, ?, ?), ", len(chunk)), ", ")+" RETURNING id, person_id", args...)
		if err != nil {
			return 0, 0, err
		}
		for rows.Next() {
			var id, person int64
			if err := rows.Scan(&id, &person); err != nil {
				rows.Close()
				return 0, 0, err
			}
			newIDs[person] = id
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return 0, 0, err
		}
	}
	for _, d := range fresh {
		if d.volunteer == 0 {
			unmatchedRows = append(unmatchedRows, newIDs[d.person])
		}
	}
	if err := escalateUnmatched(ctx, tx, unmatchedRows, now); err != nil {
		return 0, 0, err
	}
	if err := resolveOpen(ctx, tx, matchedRows, []string{ReasonUnmatched, ReasonWithdrawn, ReasonOverdue}, ResolvedReassigned, 0, now); err != nil {
		return 0, 0, err
	}
	ns := noticeSet{}
	for _, d := range mp.decisions {
		if d.volunteer == 0 {
			continue
		}
		id, version := d.row.id, d.row.version+1 // as the UPDATE left it
		if id == 0 {
			id, version = newIDs[d.person], 1
		}
		ns.add(d.volunteer, id, version)
	}
	_, err = s.enqueueCallNotices(ctx, tx, epID, hazard, ns.sorted(), mp.notices)
	return assigned, unmatched, err
}

// boolInt stores a flag in an INTEGER column (PostgreSQL takes no bool there).
func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// cmpErr is err, or fallback when err is nil.
func cmpErr(err, fallback error) error {
	if err != nil {
		return err
	}
	return fallback
}

// endEpisodeTx ends an open episode: its districts leave, its assignments
// stop and its escalations close.
func (s *Service) endEpisodeTx(ctx context.Context, tx *db.Tx, epID, actorID int64, now time.Time, why string) error {
	res, err := tx.Exec(ctx, "UPDATE solidarity_episodes SET ended_at = ?, ended_by = ? WHERE id = ? AND ended_at IS NULL",
		now, nullID(actorID), epID)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		return cmpErr(err, ErrConflict)
	}
	if _, err := tx.Exec(ctx, "UPDATE solidarity_episode_districts SET removed_at = ? WHERE episode_id = ? AND removed_at IS NULL",
		now, epID); err != nil {
		return err
	}
	if err := deactivateWhere(ctx, tx, "episode_id = ?", []any{epID}, ResolvedEpisodeEnded, now); err != nil {
		return err
	}
	return audit.Record(ctx, tx, audit.Entry{ActorID: actorID, Action: audit.ActionSolidarityEpisodeEnded,
		TargetType: "solidarity_episode", TargetID: fmt.Sprint(epID), Detail: why})
}

// deactivateWhere stops the active assignments that where selects and
// closes their open escalations with resolution.
func deactivateWhere(ctx context.Context, tx *db.Tx, where string, args []any, resolution string, now time.Time) error {
	if _, err := tx.Exec(ctx, `UPDATE solidarity_escalations SET resolved_at = ?, resolution = ? WHERE resolved_at IS NULL
		AND assignment_id IN (SELECT id FROM solidarity_assignments WHERE `+where+` AND active = 1)`,
		append([]any{now, resolution}, args...)...); err != nil {
		return err
	}
	_, err := tx.Exec(ctx, "UPDATE solidarity_assignments SET active = 0, version = version + 1 WHERE "+where+" AND active = 1", args...)
	return err
}

func deactivateRows(ctx context.Context, tx *db.Tx, ids []int64, resolution string, now time.Time) error {
	for _, c := range chunks(ids, insertChunk) {
		if err := deactivateWhere(ctx, tx, "id IN ("+idList(c)+")", nil, resolution, now); err != nil {
			return err
		}
	}
	return nil
}
