package web

import "embed"

// Locales holds the kit's own messages (layout, forms, errors).
//
//go:embed locales
var Locales embed.FS
