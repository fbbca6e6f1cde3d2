package initiatives

import "strings"

// stemText lower-cases s; French stemming comes next.
func stemText(s string) string { return strings.ToLower(s) }
