package volunteers

import (
	"context"
	"strconv"
	"strings"
)

// SMSPhones returns the phone numbers of the active accounts among ids that
// agreed to text messages (the "sms_alerts" consent) and gave a number; the
// others are absent from the map. The solidarity episodes text volunteers
// their calls with it.
func (s *Store) SMSPhones(ctx context.Context, ids []int64) (map[int64]string, error) {
	out := map[int64]string{}
	const chunk = 500 // ids are numbers written in the text: no parameter limit, a bounded statement
	for start := 0; start < len(ids); start += chunk {
		var in strings.Builder
		for i, id := range ids[start:min(start+chunk, len(ids))] {
			if i > 0 {
				in.WriteByte(',')
			}
			in.WriteString(strconv.FormatInt(id, 10))
		}
		rows, err := s.db.Query(ctx, `SELECT p.user_id, p.phone FROM volunteer_profiles p
			WHERE p.active = ? AND `+hasConsent("sms_alerts")+` AND p.phone <> '' AND p.user_id IN (`+in.String()+`)`, true)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var id int64
			var phone string
			if err := rows.Scan(&id, &phone); err != nil {
				rows.Close()
				return nil, err
			}
			out[id] = phone
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}
