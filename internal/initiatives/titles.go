package initiatives

import (
	"context"
	"strings"
)

// PublicTitles names the initiatives among ids that the public may see
// (published or paused, not hidden), for pages of other features that link
// to them; the others are simply absent.
func (s *Store) PublicTitles(ctx context.Context, ids []int64) (map[int64]string, error) {
	out := map[int64]string{}
	for start := 0; start < len(ids); start += 500 {
		part := ids[start:min(start+500, len(ids))]
		args := make([]any, len(part))
		for i, id := range part {
			args[i] = id
		}
		rows, err := s.db.Query(ctx, "SELECT id, title, status, hidden FROM initiatives WHERE id IN (?"+strings.Repeat(", ?", len(part)-1)+")", args...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var in Initiative
			var status string
			if err := rows.Scan(&in.ID, &in.Title, &status, &in.Hidden); err != nil {
				rows.Close()
				return nil, err
			}
			if in.Status = Status(status); in.Visible() {
				out[in.ID] = in.Title
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}
