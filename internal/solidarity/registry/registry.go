// Package registry keeps the registry of vulnerable people: registered by
// themselves, a relative or a social worker with recorded consent, their
// personal fields sealed in the database, every read audited, and entries
// expiring at the end of the season unless renewed.
package registry

import "embed"

// Service is the registry's logic.
type Service struct{}

// Locales holds this part's messages (locales/*.json).
//
//go:embed locales
var Locales embed.FS
