package indicators

import "embed"

// Locales holds the indicators part's messages (locales/*.json).
//
//go:embed locales
var Locales embed.FS

// Service is the indicators' logic over the database (skeleton: the part's
// engineer fills it in).
type Service struct{}
