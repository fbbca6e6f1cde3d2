// Package actions holds the Climate Plan's themes and actions: their pages, staff editing, milestones, tasks, links, the CSV import and the exports.
package actions

import "embed"

// Locales holds this part's messages (locales/*.json).
//
//go:embed locales
var Locales embed.FS

// Service is this part's logic (skeleton: the part's engineer fills it in).
type Service struct{}
