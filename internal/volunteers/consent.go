package volunteers

import "time"

// Purposes a volunteer consents to, each separately. Raising a purpose's
// version (when its wording changes) makes earlier consents lapse.
var Purposes = []Purpose{
	{Code: "newsletter", Version: 1},
	{Code: "sms_alerts", Version: 1},
	{Code: "solidarity_network", Version: 1},
	{Code: "share_with_organisers", Version: 1},
}

// Purpose is one reason to use a volunteer's data.
type Purpose struct {
	Code    string
	Version int
}

// PurposeVersion returns the current version of a purpose, or 0 if unknown.
func PurposeVersion(code string) int {
	for _, p := range Purposes {
		if p.Code == code {
			return p.Version
		}
	}
	return 0
}

// consentBit is a purpose's bit in volunteer_profiles.consents_mask.
func consentBit(code string) int64 {
	for i, p := range Purposes {
		if p.Code == code {
			return 1 << i
		}
	}
	return 0
}

// Consent is one grant, and its withdrawal if any.
type Consent struct {
	Purpose     string
	Version     int
	GrantedAt   time.Time
	WithdrawnAt *time.Time
}

// Active reports whether the consent counts now.
func (c Consent) Active() bool {
	return c.WithdrawnAt == nil && c.Version == PurposeVersion(c.Purpose)
}
