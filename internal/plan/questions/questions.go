// Package questions holds public questions on the Climate Plan's actions, official answers and followers.
package questions

import "embed"

// Locales holds this part's messages (locales/*.json).
//
//go:embed locales
var Locales embed.FS

// Service is this part's logic (skeleton: the part's engineer fills it in).
type Service struct{}
