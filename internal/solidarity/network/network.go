// Package network is the volunteers' solidarity network: opting in, how
// many people one can call, languages and districts, and the built-in
// heatwave check-in training with its quiz.
package network

import "embed"

// Service is the network's logic.
type Service struct{}

// Locales holds this part's messages (locales/*.json).
//
//go:embed locales
var Locales embed.FS
