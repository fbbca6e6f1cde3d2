// Package monitor shows coordinators an episode as it happens (a live
// dashboard over server-sent events) and reports on it afterwards, with
// figures per district and a CSV export without personal data.
package monitor

import "embed"

// Service is the monitor's logic.
type Service struct{}

// Locales holds this part's messages (locales/*.json).
//
//go:embed locales
var Locales embed.FS
