// Package monitor shows coordinators an episode as it happens (a live
// dashboard over server-sent events) and reports on it afterwards, with
// figures per district and a CSV export without personal data.
package monitor

// Service is the monitor's logic.
type Service struct{}
