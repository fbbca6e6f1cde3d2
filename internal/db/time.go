package db

import "time"

// Now is the time to store: UTC (so SQLite's text timestamps sort and compare
// correctly) and truncated to microseconds (PostgreSQL's precision, so a value
// read back equals the value written).
func Now() time.Time { return time.Now().UTC().Truncate(time.Microsecond) }
