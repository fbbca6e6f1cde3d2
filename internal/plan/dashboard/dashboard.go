// Package dashboard is the Climate Plan's public dashboard and history timeline.
package dashboard

import "embed"

// Locales holds this part's messages (locales/*.json).
//
//go:embed locales
var Locales embed.FS

// Service is this part's logic (skeleton: the part's engineer fills it in).
type Service struct{}
