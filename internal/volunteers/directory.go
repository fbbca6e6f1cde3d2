package volunteers

import (
	"context"
	"slices"
	"strings"
)

// Filter selects volunteers for the coordinators' directory, its export and
// messages to a segment. Empty fields match everyone; Day and Slot are -1
// for any time.
type Filter struct {
	District string
	Skill    string
	Language string
	Interest string
	Day      int
	Slot     int
	Consent  string // a purpose whose consent must be active
}

// AnyTime is a filter without availability condition.
const AnyTime = -1

// where turns the filter into SQL over volunteer_profiles p alone: p.active
// mirrors the account's status and the *_mask columns hold the lists as bit
// sets, so no filter needs a join. skillBit is the filtered skill's bit (-1
// when the skill is unknown: it matches nobody).
func (f Filter) where(skillBit int) (string, []any) {
	conds := []string{"p.active = ?"}
	args := []any{true}
	if f.District != "" {
		conds = append(conds, "p.district_code = ?")
		args = append(args, f.District)
	}
	if f.Skill != "" {
		if skillBit < 0 {
			conds = append(conds, "1 = 0")
		} else {
			conds = append(conds, "(p.skills_mask & ?) <> 0")
			args = append(args, int64(1)<<skillBit)
		}
	}
	for _, l := range []struct {
		column, value string
		list          []string
	}{{"languages_mask", f.Language, Languages}, {"interests_mask", f.Interest, Themes}} {
		if l.value != "" {
			conds = append(conds, "(p."+l.column+" & ?) <> 0")
			args = append(args, listMask([]string{l.value}, l.list))
		}
	}
	if mask := f.availabilityMask(); mask != 0 {
		conds = append(conds, "(p.availability & ?) <> 0")
		args = append(args, mask)
	}
	if f.Consent != "" {
		conds = append(conds, "(p.consents_mask & ?) <> 0")
		args = append(args, consentBit(f.Consent))
	}
	return strings.Join(conds, " AND "), args
}

// listMask sets the bit of each value's place in list.
func listMask(values, list []string) int64 {
	var m int64
	for _, v := range values {
		if i := slices.Index(list, v); i >= 0 {
			m |= 1 << i
		}
	}
	return m
}

// availabilityMask gives the bits a volunteer must have one of: a day, a
// slot of any day, or one (day, slot).
func (f Filter) availabilityMask() int64 {
	var m int64
	for d := range Days {
		for s := range Slots {
			if (f.Day == AnyTime || f.Day == d) && (f.Slot == AnyTime || f.Slot == s) {
				m |= 1 << (d*len(Slots) + s)
			}
		}
	}
	if f.Day == AnyTime && f.Slot == AnyTime {
		return 0
	}
	return m
}

// Valid reports whether every value is one the platform knows; unknown
// skills are left to the database (they simply match nobody).
func (f Filter) Valid() bool {
	return (f.Language == "" || allIn([]string{f.Language}, Languages)) &&
		(f.Interest == "" || allIn([]string{f.Interest}, Themes)) &&
		(f.Consent == "" || PurposeVersion(f.Consent) > 0) &&
		f.Day >= AnyTime && f.Day < len(Days) && f.Slot >= AnyTime && f.Slot < len(Slots)
}

// Recipient is a volunteer a message may reach, with what their consents
// allow: email only with the newsletter consent, SMS only with the SMS
// consent and a phone number.
type Recipient struct {
	UserID      int64
	DisplayName string
	Email       string // empty unless the newsletter consent is active
	Phone       string // empty unless the SMS consent is active
	Lang        string
}

// Recipients lists every volunteer the filter selects, private profiles
// included (messages reach them; directory pages do not show them).
func (s *Store) Recipients(ctx context.Context, f Filter) ([]Recipient, error) {
	sel, err := s.Select(ctx, f)
	if err != nil {
		return nil, err
	}
	rows, err := s.db.Query(ctx, `SELECT p.user_id, p.display_name, u.language,
		CASE WHEN `+hasConsent("newsletter")+` THEN u.email ELSE '' END,
		CASE WHEN `+hasConsent("sms_alerts")+` THEN p.phone ELSE '' END
		FROM volunteer_profiles p JOIN users u ON u.id = p.user_id WHERE `+sel.where+` ORDER BY p.user_id`, sel.args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Recipient
	for rows.Next() {
		var r Recipient
		if err := rows.Scan(&r.UserID, &r.DisplayName, &r.Lang, &r.Email, &r.Phone); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// Everyone is the filter that selects every volunteer (the zero Filter would
// ask for Monday mornings).
func Everyone() Filter { return Filter{Day: AnyTime, Slot: AnyTime} }
