package episodes

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"

	"climatevolunteers/internal/db"
	"climatevolunteers/internal/solidarity/matching"
	"climatevolunteers/internal/volunteers"
)

// A volunteer who leaves during an episode: their people go to other
// members with room left, and coordinators are told about those nobody
// could take.

// VolunteerWithdrew rematches the people of a volunteer who left the
// network among the other members with room left; those left over are
// escalated ('withdrawn') and coordinators are mailed. The network part
// calls it (its OnWithdraw hook), after its own commit.
func (s *Service) VolunteerWithdrew(ctx context.Context, userID int64) error {
	for range maxSyncAttempts {
		err := s.withdraw(ctx, userID)
		if !errors.Is(err, errStale) {
			return err
		}
	}
	return ErrBusy
}

func (s *Service) withdraw(ctx context.Context, userID int64) error {
	rows, err := collectAssignments(ctx, s.DB, callableWhere+" ORDER BY a.id", userID)
	if err != nil {
		return err
	}
	mp, gone, staff, err := s.planWithdrawal(ctx, userID, rows)
	if err != nil {
		return err
	}
	return s.DB.Tx(ctx, func(tx *db.Tx) error {
		if err := lockAssignments(ctx, tx); err != nil {
			return err
		}
		// A Sync that checked the volunteer's membership just before they
		// left may have given them people since they were read: read again
		// under the lock, which that Sync held until its commit.
		cur, err := collectAssignments(ctx, tx, callableWhere+" ORDER BY a.id", userID)
		if err != nil {
			return err
		}
		if !slices.EqualFunc(cur, rows, func(a, b Assignment) bool { return a.ID == b.ID && a.Version == b.Version }) {
			return errStale
		}
		if len(rows) == 0 {
			return nil
		}
		if err := s.checkRoom(ctx, tx, mp.decisions); err != nil {
			return err
		}
		now := s.now()
		if err := deactivateRows(ctx, tx, gone, ResolvedLeftRegistry, now); err != nil {
			return err
		}
		iv, err := intervals(ctx, tx)
		if err != nil {
			return err
		}
		episodeOf := map[int64]Assignment{}
		for _, x := range rows {
			episodeOf[x.ID] = x
		}
		byEpisode := map[int64][]decision{}
		for _, d := range mp.decisions {
			ep := episodeOf[d.row.id].EpisodeID
			byEpisode[ep] = append(byEpisode[ep], d)
		}
		var eps []int64
		for _, ep := range slices.Sorted(maps.Keys(byEpisode)) {
			ds, err := episodeDistricts(ctx, tx, ep)
			if err != nil {
				return err
			}
			levels := map[string]int{}
			for _, d := range ds {
				levels[d.Code] = d.Level
			}
			sub := mp
			sub.decisions = byEpisode[ep]
			if _, _, err := s.applyDecisions(ctx, tx, ep, episodeOf[sub.decisions[0].row.id].Hazard, levels, iv, sub, now); err != nil {
				return err
			}
			eps = append(eps, ep)
		}
		if err := s.mailHandedOver(ctx, tx, staff, mp.decisions); err != nil {
			return err
		}
		s.changed(tx, eps...)
		return nil
	})
}

// planWithdrawal matches the people of rows, the leaving volunteer's,
// among the other members with room left, and lists the rows of people no
// longer registered and the staff to tell.
func (s *Service) planWithdrawal(ctx context.Context, userID int64, rows []Assignment) (mp matchPlan, gone []int64,
	staff []volunteers.Contact, err error) {
	if len(rows) == 0 {
		return mp, nil, nil, nil
	}
	var codes []string
	for _, x := range rows {
		if !slices.Contains(codes, x.District) {
			codes = append(codes, x.District)
		}
	}
	people, err := s.Registry.Active(ctx, codes, s.now())
	if err != nil {
		return mp, nil, nil, err
	}
	registered := map[int64]int{}
	for i, p := range people {
		registered[p.ID] = i
	}
	var cands []candidate
	for _, x := range rows {
		i, ok := registered[x.PersonID]
		if !ok {
			gone = append(gone, x.ID)
			continue
		}
		p := people[i]
		cands = append(cands, candidate{
			Person: matching.Person{ID: p.ID, Lat: p.Lat, Lon: p.Lon, Languages: p.Languages, District: x.District},
			row: rowState{id: x.ID, person: x.PersonID, volunteer: x.VolunteerID, district: x.District, active: true,
				version: x.Version, due: x.NextDueAt},
			reason: UnmatchedVolunteerLeft,
		})
	}
	rm, err := s.readRoom(ctx, s.DB)
	if err != nil {
		return mp, nil, nil, err
	}
	if mp, err = s.planPairs(ctx, cands, rm, userID, false); err != nil {
		return mp, nil, nil, err
	}
	staff, err = s.coordinatorsBut(ctx, userID)
	return mp, gone, staff, err
}

// EraseVolunteer runs inside the transaction that deletes an account,
// before the foreign key forgets who called whom: the volunteer's active
// people are escalated ('withdrawn') and coordinators mailed. Nobody is
// rematched here (that needs the registry and the network, outside this
// transaction); the next Sync or a coordinator does it.
func (s *Service) EraseVolunteer(ctx context.Context, tx *db.Tx, userID int64) error {
	rows, err := collectAssignments(ctx, tx, callableWhere+" ORDER BY a.id", userID)
	if err != nil || len(rows) == 0 {
		return err
	}
	staff, err := s.coordinatorsBut(ctx, userID)
	if err != nil {
		return err
	}
	now := s.now()
	var eps []int64
	for _, x := range rows {
		if _, err := tx.Exec(ctx, `UPDATE solidarity_assignments SET volunteer_id = NULL, unmatched_reason = ?, version = version + 1
			WHERE id = ?`, UnmatchedVolunteerLeft, x.ID); err != nil {
			return err
		}
		if _, err := raise(ctx, tx, x, ReasonWithdrawn, now); err != nil {
			return err
		}
		if !slices.Contains(eps, x.EpisodeID) {
			eps = append(eps, x.EpisodeID)
		}
	}
	if err := s.mailStaff(ctx, tx, staff, "volunteer_left", fmt.Sprintf("solidarity-erased:%dv%d", rows[0].ID, rows[0].Version),
		staffMail{Left: len(rows), Link: s.BaseURL + "/coordination/solidarity/escalations"}); err != nil {
		return err
	}
	s.changed(tx, eps...)
	return nil
}

// coordinatorsBut lists the staff to mail, leaving out the one who leaves.
func (s *Service) coordinatorsBut(ctx context.Context, userID int64) ([]volunteers.Contact, error) {
	staff, err := s.Staff.Coordinators(ctx)
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(staff, func(c volunteers.Contact) bool { return c.UserID == userID }), nil
}
