package volunteers

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"sort"
	"time"

	"climatevolunteers/internal/db"
)

// ErrNoProfile means the volunteer has not filled a profile yet.
var ErrNoProfile = errors.New("no profile yet")

// Store holds the feature's SQL.
type Store struct{ db *db.DB }

// NewStore binds the store to a database.
func NewStore(d *db.DB) *Store { return &Store{db: d} }

// Skill is an entry of the list admins edit.
type Skill struct {
	Code, LabelFR, LabelEN string
	Position               int
	Active                 bool
}

// Label is the skill's name in lang.
func (s Skill) Label(lang string) string {
	if lang == "en" {
		return s.LabelEN
	}
	return s.LabelFR
}

// Skills lists the skills, active ones only unless all.
func (s *Store) Skills(ctx context.Context, all bool) ([]Skill, error) {
	q := "SELECT code, label_fr, label_en, position, active FROM skills"
	args := []any{}
	if !all {
		q += " WHERE active = ?"
		args = append(args, true)
	}
	rows, err := s.db.Query(ctx, q+" ORDER BY position, code", args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Skill
	for rows.Next() {
		var k Skill
		if err := rows.Scan(&k.Code, &k.LabelFR, &k.LabelEN, &k.Position, &k.Active); err != nil {
			return nil, err
		}
		out = append(out, k)
	}
	return out, rows.Err()
}

// Profile reads a volunteer's profile with its lists.
func (s *Store) Profile(ctx context.Context, userID int64) (Profile, error) {
	p := Profile{UserID: userID}
	var district sql.NullString
	var onboarded sql.NullTime
	err := s.db.QueryRow(ctx, `SELECT display_name, district_code, phone, visibility, availability, onboarded_at, updated_at
		FROM volunteer_profiles WHERE user_id = ?`, userID).
		Scan(&p.DisplayName, &district, &p.Phone, &p.Visibility, &p.Availability, &onboarded, &p.UpdatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return p, ErrNoProfile
	}
	if err != nil {
		return p, err
	}
	p.DistrictCode = district.String
	if onboarded.Valid {
		p.OnboardedAt = &onboarded.Time
	}
	for _, l := range []struct {
		dst   *[]string
		query string
	}{
		{&p.Skills, "SELECT skill_code FROM volunteer_skills WHERE user_id = ? ORDER BY skill_code"},
		{&p.Interests, "SELECT theme FROM volunteer_interests WHERE user_id = ? ORDER BY theme"},
		{&p.Languages, "SELECT lang FROM volunteer_languages WHERE user_id = ? ORDER BY lang"},
	} {
		if *l.dst, err = s.strings(ctx, l.query, userID); err != nil {
			return p, err
		}
	}
	return p, nil
}

func (s *Store) strings(ctx context.Context, query string, args ...any) ([]string, error) {
	rows, err := s.db.Query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var v string
		if err := rows.Scan(&v); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// querier reads rows: the read pool (*db.DB) or a transaction (*db.Tx).
type querier interface {
	Query(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// stringInts reads a query of (text, integer) rows into a map.
func stringInts(ctx context.Context, q querier, query string, args ...any) (map[string]int, error) {
	rows, err := q.Query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var k string
		var n int
		if err := rows.Scan(&k, &n); err != nil {
			return nil, err
		}
		out[k] = n
	}
	return out, rows.Err()
}

// saveProfile writes the profile and replaces its lists, inside tx.
func saveProfile(ctx context.Context, tx *db.Tx, p Profile, onboarded bool) error {
	now := db.Now()
	var district any
	if p.DistrictCode != "" {
		district = p.DistrictCode
	}
	var onboardedAt any
	if onboarded {
		onboardedAt = now
	}
	skillsMask, err := skillsMaskTx(ctx, tx, p.Skills)
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `INSERT INTO volunteer_profiles
		(user_id, display_name, district_code, phone, visibility, availability, skills_mask, interests_mask, languages_mask,
		 onboarded_at, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (user_id) DO UPDATE SET display_name = excluded.display_name, district_code = excluded.district_code,
			phone = excluded.phone, visibility = excluded.visibility, availability = excluded.availability,
			skills_mask = excluded.skills_mask, interests_mask = excluded.interests_mask, languages_mask = excluded.languages_mask,
			onboarded_at = COALESCE(volunteer_profiles.onboarded_at, excluded.onboarded_at), updated_at = excluded.updated_at`,
		p.UserID, p.DisplayName, district, p.Phone, p.Visibility, int64(p.Availability), skillsMask,
		listMask(p.Interests, Themes), listMask(p.Languages, Languages), onboardedAt, now, now)
	if err != nil {
		return err
	}
	if err := refreshConsentsMask(ctx, tx, p.UserID); err != nil {
		return err
	}
	for _, l := range []struct {
		table, column string
		values        []string
	}{
		{"volunteer_skills", "skill_code", p.Skills},
		{"volunteer_interests", "theme", p.Interests},
		{"volunteer_languages", "lang", p.Languages},
	} {
		if _, err := tx.Exec(ctx, "DELETE FROM "+l.table+" WHERE user_id = ?", p.UserID); err != nil {
			return err
		}
		seen := map[string]bool{}
		for _, v := range l.values {
			if seen[v] {
				continue
			}
			seen[v] = true
			if _, err := tx.Exec(ctx, fmt.Sprintf("INSERT INTO %s (user_id, %s) VALUES (?, ?)", l.table, l.column), p.UserID, v); err != nil {
				return err
			}
		}
	}
	return nil
}

// SetActive mirrors an account's suspension or reinstatement inside the
// transaction that changes it (the accounts feature calls it).
func SetActive(ctx context.Context, tx *db.Tx, userID int64, active bool) error {
	_, err := tx.Exec(ctx, "UPDATE volunteer_profiles SET active = ? WHERE user_id = ?", active, userID)
	return err
}

// skillsMask computes a profile's skill bits inside tx.
func skillsMaskTx(ctx context.Context, tx *db.Tx, skills []string) (int64, error) {
	if len(skills) == 0 {
		return 0, nil
	}
	bits, err := skillBits(ctx, tx)
	if err != nil {
		return 0, err
	}
	var mask int64
	for code, bit := range bits {
		if slices.Contains(skills, code) {
			mask |= 1 << bit
		}
	}
	return mask, nil
}

// Consents returns every consent row of a volunteer, newest first.
func (s *Store) Consents(ctx context.Context, userID int64) ([]Consent, error) {
	rows, err := s.db.Query(ctx, `SELECT purpose, version, granted_at, withdrawn_at FROM consents
		WHERE user_id = ? ORDER BY granted_at DESC, id DESC`, userID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Consent
	for rows.Next() {
		var c Consent
		var w sql.NullTime
		if err := rows.Scan(&c.Purpose, &c.Version, &c.GrantedAt, &w); err != nil {
			return nil, err
		}
		if w.Valid {
			c.WithdrawnAt = &w.Time
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// ActiveConsents maps each purpose to its current consent, if any.
func ActiveConsents(all []Consent) map[string]Consent {
	out := map[string]Consent{}
	for _, c := range all {
		if _, seen := out[c.Purpose]; !seen && c.Active() {
			out[c.Purpose] = c
		}
	}
	return out
}

// setConsent grants (a new dated row at the current version) or withdraws
// (dates every open row) a purpose, inside tx. Granting what is already
// granted changes nothing.
func setConsent(ctx context.Context, tx *db.Tx, userID int64, purpose string, grant bool, now time.Time) (changed bool, err error) {
	version := PurposeVersion(purpose)
	if version == 0 {
		return false, fmt.Errorf("unknown purpose %q", purpose)
	}
	var open int
	if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM consents WHERE user_id = ? AND purpose = ? AND version = ? AND withdrawn_at IS NULL`,
		userID, purpose, version).Scan(&open); err != nil {
		return false, err
	}
	if grant {
		if open > 0 {
			return false, nil
		}
		if _, err := tx.Exec(ctx, "INSERT INTO consents (user_id, purpose, version, granted_at) VALUES (?, ?, ?, ?)", userID, purpose, version, now); err != nil {
			return false, err
		}
		return true, refreshConsentsMask(ctx, tx, userID)
	}
	res, err := tx.Exec(ctx, "UPDATE consents SET withdrawn_at = ? WHERE user_id = ? AND purpose = ? AND withdrawn_at IS NULL", now, userID, purpose)
	if err != nil {
		return false, err
	}
	n, _ := res.RowsAffected()
	return n > 0, refreshConsentsMask(ctx, tx, userID)
}

// refreshConsentsMask recomputes the profile's copy of its active consents
// from the consent rows, in the transaction that changed them. (Raising a
// purpose's version needs a migration that runs the same for everyone.)
func refreshConsentsMask(ctx context.Context, tx *db.Tx, userID int64) error {
	rows, err := tx.Query(ctx, "SELECT purpose, version FROM consents WHERE user_id = ? AND withdrawn_at IS NULL", userID)
	if err != nil {
		return err
	}
	var mask int64
	for rows.Next() {
		var c Consent
		if err := rows.Scan(&c.Purpose, &c.Version); err != nil {
			rows.Close()
			return err
		}
		if c.Active() {
			mask |= consentBit(c.Purpose)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	_, err = tx.Exec(ctx, "UPDATE volunteer_profiles SET consents_mask = ? WHERE user_id = ?", mask, userID)
	return err
}

// CountByDistrict counts volunteers with a profile in each district: an
// aggregate, shown publicly.
func (s *Store) CountByDistrict(ctx context.Context) (map[string]int, error) {
	return stringInts(ctx, s.db, `SELECT district_code, COUNT(*) FROM volunteer_profiles
		WHERE active = ? AND district_code IS NOT NULL GROUP BY district_code`, true)
}

// CommunityInDistrict lists the display names of a district's volunteers who
// chose to be seen by the community.
func (s *Store) CommunityInDistrict(ctx context.Context, code string, limit int) ([]string, error) {
	names, err := s.strings(ctx, `SELECT p.display_name FROM volunteer_profiles p
		WHERE p.district_code = ? AND p.visibility = ? AND p.active = ? ORDER BY p.display_name LIMIT ?`,
		code, VisibilityCommunity, true, limit)
	sort.Strings(names)
	return names, err
}

// choices reads what the profile form and the directory's filters offer:
// the skills (retired ones too when all) and the districts.
func (s *Store) choices(ctx context.Context, all bool) ([]Skill, []districtOption, error) {
	skills, err := s.Skills(ctx, all)
	if err != nil {
		return nil, nil, err
	}
	districts, err := s.districtOptions(ctx)
	if err != nil {
		return nil, nil, err
	}
	return skills, districts, nil
}

func (s *Store) districtOptions(ctx context.Context) ([]districtOption, error) {
	rows, err := s.db.Query(ctx, "SELECT code, name FROM districts ORDER BY position, code")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []districtOption
	for rows.Next() {
		var d districtOption
		if err := rows.Scan(&d.Code, &d.Name); err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}
