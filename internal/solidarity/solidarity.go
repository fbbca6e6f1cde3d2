// Package solidarity holds what the parts of climate solidarity share: the
// registry of vulnerable people (registry/), the volunteers' solidarity
// network and its training (network/), episodes with their call
// assignments, outcomes and escalations (episodes/), the coordinators' live
// dashboard and reports (monitor/) and the assignment solver (matching/).
//
// The parts talk through the small types below; none reads another's tables
// except monitor, which only reads the episodes' tables to count them.
package solidarity

// Person is what matching needs of a registered person: decrypted in memory
// for the time of an activation, never written in clear.
type Person struct {
	ID        int64
	District  string
	Lat, Lon  float64
	Languages []string
}

// Card is what a volunteer needs to call a person: shown on "my calls"
// while the episode lasts, and to coordinators handling an escalation.
type Card struct {
	PersonID         int64
	Name             string
	Phone            string
	Address          string
	District         string
	Languages        []string
	LivesAlone       bool
	Mobility         string // mobility needs, free text
	CareNeeds        string
	CallTimes        string  // preferred call times, free text
	EmergencyContact string  // name and phone of a relative or neighbour
	Lat, Lon         float64 // for the nearest cool places
}

// Member is a trained volunteer of the solidarity network, as matching sees
// them.
type Member struct {
	UserID    int64
	Capacity  int // 1 to 5 people
	Languages []string
	Districts []string // districts they agreed to cover
	Lat, Lon  float64  // their approximate location
}

// Reader says who reads registry data and why, for the audit log.
type Reader struct {
	UserID  int64
	Role    string
	Purpose string // e.g. "calls", "escalation", "registry"
	// EpisodeID is the episode the read serves, 0 outside an episode.
	EpisodeID int64
}
