package db

import (
	"strconv"
	"strings"
)

// Rebind turns "?" placeholders into the engine's own ("$1", "$2"… on
// PostgreSQL), leaving question marks inside quoted strings alone. Results are
// cached: stores reuse a small set of query texts.
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
