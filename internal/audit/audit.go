// Package audit records who did what, when and from where (sign-ins, role
// changes, suspensions, exports), and shows the log to administrators.
//
// Entries are written in the same transaction as the change they describe,
// so the log never claims a change that was rolled back, nor misses one.
package audit

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"unicode/utf8"

	"climatevolunteers/internal/db"
)

// Actions recorded. Other features add theirs here, with a translated name
// under "audit.action.<action>" in locales.
const (
	ActionSignin          = "auth.signin"
	ActionSigninFailed    = "auth.signin_failed"
	ActionSignout         = "auth.signout"
	ActionSignup          = "auth.signup"
	ActionPasswordChanged = "auth.password_changed"
	ActionPasswordReset   = "auth.password_reset"
	ActionEmailChanged    = "auth.email_changed"
	ActionSessionsRevoked = "auth.sessions_revoked"
	ActionRoleChanged     = "admin.role_changed"
	ActionUserSuspended   = "admin.user_suspended"
	ActionUserReinstated  = "admin.user_reinstated"
	ActionDataExport      = "data.export"
	ActionAccountDeleted  = "data.account_deleted"
	// Initiatives: moderation decisions and introductions by coordinators.
	ActionInitiativeDecision     = "initiatives.decision"
	ActionInitiativeIntroduction = "initiatives.introduction"
	// Alerts: a coordinator sets a heat or flood level for the city or a district.
	ActionAlertLevelSet = "alerts.level_set"
	// Registry of vulnerable people: every read and change.
	ActionRegistryRead      = "registry.read"
	ActionRegistryCreated   = "registry.created"
	ActionRegistryUpdated   = "registry.updated"
	ActionRegistryRenewed   = "registry.renewed"
	ActionRegistryWithdrawn = "registry.withdrawn"
	ActionRegistryPurged    = "registry.purged"
	// Solidarity episodes: activation, refused access to a person, reassignments,
	// escalations handled, call intervals, the end of an episode.
	ActionSolidarityActivated       = "solidarity.activated"
	ActionSolidarityAccessDenied    = "solidarity.access_denied"
	ActionSolidarityReassigned      = "solidarity.reassigned"
	ActionSolidarityEscalationClose = "solidarity.escalation_closed"
	ActionSolidarityIntervalsSet    = "solidarity.intervals_set"
	ActionSolidarityEpisodeEnded    = "solidarity.episode_ended"
	// Climate Plan: staff edits (the plan's public history keeps the
	// details), imports, official answers and moderation of questions.
	ActionPlanThemeSaved       = "plan.theme_saved"
	ActionPlanActionCreated    = "plan.action_created"
	ActionPlanActionUpdated    = "plan.action_updated"
	ActionPlanIndicatorSaved   = "plan.indicator_saved"
	ActionPlanValueRecorded    = "plan.value_recorded"
	ActionPlanImported         = "plan.imported"
	ActionPlanAnswerPosted     = "plan.answer_posted"
	ActionPlanQuestionHidden   = "plan.question_hidden"
	ActionPlanQuestionRestored = "plan.question_restored"
	ActionPlanCommitteeChanged = "plan.committee_changed"
)

// actions lists every known action, in the order the filter offers them.
var actions = []string{
	ActionSignin, ActionSigninFailed, ActionSignout, ActionSignup,
	ActionPasswordChanged, ActionPasswordReset, ActionEmailChanged, ActionSessionsRevoked,
	ActionRoleChanged, ActionUserSuspended, ActionUserReinstated, ActionDataExport, ActionAccountDeleted,
	ActionInitiativeDecision, ActionInitiativeIntroduction,
	ActionAlertLevelSet,
	ActionRegistryRead, ActionRegistryCreated, ActionRegistryUpdated, ActionRegistryRenewed,
	ActionRegistryWithdrawn, ActionRegistryPurged,
	ActionSolidarityActivated, ActionSolidarityAccessDenied, ActionSolidarityReassigned,
	ActionSolidarityEscalationClose, ActionSolidarityIntervalsSet, ActionSolidarityEpisodeEnded,
	ActionPlanThemeSaved, ActionPlanActionCreated, ActionPlanActionUpdated, ActionPlanIndicatorSaved,
	ActionPlanValueRecorded, ActionPlanImported, ActionPlanAnswerPosted, ActionPlanQuestionHidden,
	ActionPlanQuestionRestored, ActionPlanCommitteeChanged,
}

// Actions returns the known actions.
func Actions() []string { return slices.Clone(actions) }

// Entry is one event to record.
//
// Detail is shown to administrators and kept for years: it must never hold a
// secret (password, token, session id, reset link) nor more personal data
// than the event needs. Write what changed ("volunteer -> coordinator",
// "unknown email"), not the request.
type Entry struct {
	ActorID    int64  // who acted; 0 for no one signed in, or the system
	Action     string // one of the Action constants
	TargetType string // "user", "initiative"... or ""
	TargetID   string
	IPNetwork  string // ratelimit.Network(address): a /24 or /48, never the full address
	Detail     string
}

// MaxDetail bounds Detail, in bytes; longer text is cut at a character boundary.
const MaxDetail = 1000

// Execer is what Record writes through: *db.Tx (inside the change's
// transaction, the usual case) or *db.DB (events that change nothing else,
// such as a failed sign-in).
type Execer interface {
	Exec(ctx context.Context, query string, args ...any) (sql.Result, error)
}

var (
	_ Execer = (*db.DB)(nil)
	_ Execer = (*db.Tx)(nil)
)

// ErrNoAction is returned for an entry without an action.
var ErrNoAction = errors.New("audit: entry has no action")

// Record writes e, timestamped now.
func Record(ctx context.Context, ex Execer, e Entry) error {
	if e.Action == "" {
		return ErrNoAction
	}
	var actor any // NULL when no one acted
	if e.ActorID != 0 {
		actor = e.ActorID
	}
	_, err := ex.Exec(ctx, `INSERT INTO audit_log (at, actor_id, action, target_type, target_id, ip_network, detail)
		VALUES (?, ?, ?, ?, ?, ?, ?)`,
		db.Now(), actor, e.Action, e.TargetType, e.TargetID, e.IPNetwork, truncate(e.Detail, MaxDetail))
	return err
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
