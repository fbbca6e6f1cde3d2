// Package committees holds the Climate Plan's monitoring committees: members, meetings, minutes, decisions and their follow-up.
package committees

import "embed"

// Locales holds this part's messages (locales/*.json).
//
//go:embed locales
var Locales embed.FS

// Service is this part's logic (skeleton: the part's engineer fills it in).
type Service struct{}
