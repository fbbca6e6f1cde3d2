package events

import (
	"context"
	"strings"
)

// PublicTitles names the events among ids that are not drafts, for pages of
// other features that link to them; the others are simply absent.
func (s *Store) PublicTitles(ctx context.Context, ids []int64) (map[int64]string, error) {
	out := map[int64]string{}
	for start := 0; start < len(ids); start += 500 {
		part := ids[start:min(start+500, len(ids))]
		args := make([]any, len(part)+1)
		args[0] = string(Draft)
		for i, id := range part {
			args[i+1] = id
		}
		rows, err := s.db.Query(ctx, "SELECT id, title FROM events WHERE status <> ? AND id IN (?"+strings.Repeat(", ?", len(part)-1)+")", args...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var id int64
			var title string
			if err := rows.Scan(&id, &title); err != nil {
				rows.Close()
				return nil, err
			}
			out[id] = title
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}
