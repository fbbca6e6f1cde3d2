package indicators

import "embed"

// Locales holds the indicators part's messages (locales/*.json).
//
//go:embed locales
var Locales embed.FS
