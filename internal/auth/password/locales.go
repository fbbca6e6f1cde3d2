package password

import "embed"

// Locales holds the policy's messages (keys Key*), for i18n.New.
//
//go:embed locales
var Locales embed.FS
