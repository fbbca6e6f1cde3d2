package registry

import (
	"context"
	"errors"
	"fmt"
	"time"

	"climatevolunteers/internal/db"
	"climatevolunteers/internal/solidarity"
)

// What the episodes part reads of the registry.

// chunk bounds the ids or codes of one IN list.
const chunk = 500

// Active lists the people to call in those districts at a moment: consented
// (every stored entry is) and not expired. Only the point and the languages
// are given, so no card is opened and no read is audited. A point that does
// not open (a damaged value) falls back on the district's centroid, logged
// by id: one bad row must not hold up an activation.
func (s *Service) Active(ctx context.Context, districtCodes []string, at time.Time) ([]solidarity.Person, error) {
	if len(districtCodes) == 0 {
		return nil, nil
	}
	var p place
	var out []solidarity.Person
	for start := 0; start < len(districtCodes); start += chunk {
		codes := districtCodes[start:min(start+chunk, len(districtCodes))]
		rows, err := s.DB.Query(ctx, `SELECT id, district_code, languages, point_sealed FROM registry_people
			WHERE season_ends_at > ? AND consent_version > 0 AND district_code IN (`+placeholders(len(codes))+`) ORDER BY id`,
			append([]any{at.UTC()}, stringArgs(codes)...)...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var x solidarity.Person
			var langs, sealedPoint string
			if err := rows.Scan(&x.ID, &x.District, &langs, &sealedPoint); err != nil {
				rows.Close()
				return nil, err
			}
			x.Languages = splitLanguages(langs)
			pt, err := s.openPoint(x.ID, sealedPoint)
			if err != nil {
				if p.centroids == nil {
					if p, err = s.cityPlace(ctx); err != nil {
						rows.Close()
						return nil, err
					}
				}
				s.Log.Error("registry: point unreadable, using the district's centroid", "person", x.ID, "err", err)
				pt = p.centroids[x.District]
			}
			x.Lat, x.Lon = pt.Lat, pt.Lon
			out = append(out, x)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// ErrNoPurpose: a read of cards must say why.
var ErrNoPurpose = errors.New("registry: a read of call cards needs a purpose")

// PurposeEscalation is the reads of coordinators handling an escalation.
const PurposeEscalation = "escalation"

// Cards opens the call cards of people, writing one registry.read per
// person (the reader, the purpose and the episode; never the data) before
// anything is opened. Unknown or withdrawn ids are absent from the map, and
// so is a card that does not open (logged by id). Expired entries are absent
// too, except for PurposeEscalation: a person who asked for help while their
// entry expired during the episode must still be called back, and the entry
// is kept until the purge. Phones are in the international form (+33…),
// ready for tel: links; NationalPhone shows them as people write them.
func (s *Service) Cards(ctx context.Context, reader solidarity.Reader, ids []int64) (map[int64]solidarity.Card, error) {
	if reader.Purpose == "" {
		return nil, ErrNoPurpose
	}
	live, args := "", []any{}
	if reader.Purpose != PurposeEscalation {
		live, args = " AND season_ends_at > ?", []any{s.now()}
	}
	var rows []row
	for start := 0; start < len(ids); start += chunk {
		part := ids[start:min(start+chunk, len(ids))]
		rs, err := s.DB.Query(ctx, "SELECT "+rowColumns+" FROM registry_people WHERE id IN ("+placeholders(len(part))+")"+live+" ORDER BY id",
			append(int64Args(part), args...)...)
		if err != nil {
			return nil, err
		}
		got, err := collectRows(rs)
		if err != nil {
			return nil, err
		}
		rows = append(rows, got...)
	}
	out := make(map[int64]solidarity.Card, len(rows))
	if len(rows) == 0 {
		return out, nil
	}
	detail := "purpose: " + reader.Purpose
	if reader.EpisodeID > 0 {
		detail += fmt.Sprintf(", episode %d", reader.EpisodeID)
	}
	if reader.Role != "" {
		detail += ", as " + reader.Role
	}
	read := make([]int64, len(rows))
	for i, r := range rows {
		read[i] = r.ID
	}
	if err := s.DB.Tx(ctx, func(tx *db.Tx) error { return auditReads(ctx, tx, reader.UserID, read, detail) }); err != nil {
		return nil, err
	}
	for _, r := range rows {
		c, err := s.openCard(r)
		if err != nil {
			s.Log.Error("registry: card unreadable", "person", r.ID, "err", err)
			continue
		}
		out[r.ID] = solidarity.Card{PersonID: r.ID, Name: c.Name, Phone: c.Phone, Address: c.Address,
			District: r.District, Languages: r.Languages, LivesAlone: c.LivesAlone, Mobility: c.Mobility,
			CareNeeds: c.CareNeeds, CallTimes: c.CallTimes, EmergencyContact: emergencyText(c), Lat: c.Lat, Lon: c.Lon}
	}
	return out, nil
}

// emergencyText is the emergency contact as a card shows it.
func emergencyText(c Card) string {
	switch {
	case c.EmergencyName != "" && c.EmergencyPhone != "":
		return c.EmergencyName + ", " + NationalPhone(c.EmergencyPhone)
	case c.EmergencyPhone != "":
		return NationalPhone(c.EmergencyPhone)
	}
	return c.EmergencyName
}
