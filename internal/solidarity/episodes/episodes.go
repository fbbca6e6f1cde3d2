// Package episodes runs a solidarity episode: when coordinators raise an
// alert to level 3 or more for some districts, registered people there are
// assigned to trained volunteers, who are told and record their calls;
// people in trouble or not reached are escalated to coordinators.
package episodes

import "embed"

// Service is the episodes' logic.
type Service struct{}

// Locales holds this part's messages (locales/*.json).
//
//go:embed locales
var Locales embed.FS
