// Package episodes runs a solidarity episode: when coordinators raise an
// alert to level 3 or more for some districts, registered people there are
// assigned to trained volunteers, who are told and record their calls;
// people in trouble or not reached are escalated to coordinators.
package episodes

// Service is the episodes' logic.
type Service struct{}
