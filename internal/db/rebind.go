package db

import (
	"strconv"
	"strings"
)

// Rebind turns "?" placeholders into the engine's own ("$1", "$2"… on
// PostgreSQL), leaving question marks inside quoted strings, quoted names and
// comments alone. Results are cached: stores reuse a small set of query
// texts. Stores must not use PostgreSQL's jsonb "?" operators (write
// jsonb_exists instead) nor dollar-quoted bodies.
func (db *DB) Rebind(query string) string {
	if db.Engine != Postgres {
		return query
	}
	if v, ok := db.rebound.Load(query); ok {
		return v.(string)
	}
	out := rebindDollar(query)
	db.rebound.Store(query, out)
	return out
}

func rebindDollar(query string) string {
	var b strings.Builder
	b.Grow(len(query) + 8)
	n := 0
	var quote byte // the quote we are inside, or 0
	for i := 0; i < len(query); i++ {
		c := query[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '\'' || c == '"':
			quote = c
		case c == '-' && strings.HasPrefix(query[i:], "--"):
			end := strings.IndexByte(query[i:], '\n')
			if end < 0 {
				end = len(query) - i
			}
			b.WriteString(query[i : i+end])
			i += end - 1
			continue
		case c == '/' && strings.HasPrefix(query[i:], "/*"):
			end := strings.Index(query[i+2:], "*/")
			if end < 0 {
				end = len(query) - i
			} else {
				end += 4
			}
			b.WriteString(query[i : i+end])
			i += end - 1
			continue
		case c == '?':
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}
