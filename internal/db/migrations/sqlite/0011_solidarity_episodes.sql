-- Solidarity episodes. An episode of a hazard lasts while some districts
-- are at level 3 or more; at most one is open per hazard.
CREATE TABLE solidarity_episodes (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    hazard TEXT NOT NULL CHECK (hazard IN ('heat', 'flood')),
    started_at TIMESTAMP NOT NULL,
    started_by INTEGER REFERENCES users (id) ON DELETE SET NULL,
    ended_at TIMESTAMP,
    ended_by INTEGER REFERENCES users (id) ON DELETE SET NULL
);
CREATE UNIQUE INDEX solidarity_episodes_open ON solidarity_episodes (hazard) WHERE ended_at IS NULL;

-- The districts an episode covers, with the level that brought them in;
-- removed_at is set when their level falls below 3 during the episode.
CREATE TABLE solidarity_episode_districts (
    episode_id INTEGER NOT NULL REFERENCES solidarity_episodes (id) ON DELETE CASCADE,
    district_code TEXT NOT NULL REFERENCES districts (code) ON DELETE CASCADE,
    level INTEGER NOT NULL CHECK (level BETWEEN 3 AND 4),
    added_at TIMESTAMP NOT NULL,
    removed_at TIMESTAMP,
    PRIMARY KEY (episode_id, district_code)
);

-- How often each person must be called at each level, set by coordinators.
-- Defaults: every 48 hours at level 3 (the CHALEX rhythm of a call every two
-- days, ../shared/FACTS.md), every 24 hours at level 4.
CREATE TABLE solidarity_call_intervals (
    level INTEGER PRIMARY KEY CHECK (level BETWEEN 3 AND 4),
    hours INTEGER NOT NULL CHECK (hours BETWEEN 1 AND 168),
    updated_by INTEGER REFERENCES users (id) ON DELETE SET NULL,
    updated_at TIMESTAMP NOT NULL
);
INSERT INTO solidarity_call_intervals (level, hours, updated_at) VALUES
    (3, 48, '2026-01-01 00:00:00+00:00'),
    (4, 24, '2026-01-01 00:00:00+00:00');

-- One row per person in an episode. volunteer_id is NULL while nobody is
-- assigned (unmatched_reason says why: City staff call them). person_id
-- becomes NULL if the registration is erased; the row stays for the
-- report's counts. active is 0 once the person's district left the episode.
-- previous_volunteer_id is who called them before the last move to
-- another volunteer (a form they opened before may still come back).
-- last_outcome: '' (not called yet), 'fine', 'needs_help', 'not_reached'.
CREATE TABLE solidarity_assignments (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    episode_id INTEGER NOT NULL REFERENCES solidarity_episodes (id) ON DELETE CASCADE,
    person_id INTEGER REFERENCES registry_people (id) ON DELETE SET NULL,
    district_code TEXT NOT NULL,
    volunteer_id INTEGER REFERENCES users (id) ON DELETE SET NULL,
    previous_volunteer_id INTEGER REFERENCES users (id) ON DELETE SET NULL,
    unmatched_reason TEXT NOT NULL DEFAULT '',
    kept INTEGER NOT NULL DEFAULT 0,
    meters INTEGER NOT NULL DEFAULT 0,
    active INTEGER NOT NULL DEFAULT 1,
    calls INTEGER NOT NULL DEFAULT 0,
    last_outcome TEXT NOT NULL DEFAULT '',
    last_call_at TIMESTAMP,
    next_due_at TIMESTAMP NOT NULL,
    assigned_at TIMESTAMP NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX solidarity_assignments_person ON solidarity_assignments (episode_id, person_id);
CREATE INDEX solidarity_assignments_volunteer ON solidarity_assignments (volunteer_id, episode_id);
CREATE INDEX solidarity_assignments_district ON solidarity_assignments (episode_id, district_code);
CREATE INDEX solidarity_assignments_due ON solidarity_assignments (active, next_due_at);

-- Every call recorded. help_sealed is the sealed "what help" of a
-- needs_help outcome (health data), '' otherwise.
CREATE TABLE solidarity_calls (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    assignment_id INTEGER NOT NULL REFERENCES solidarity_assignments (id) ON DELETE CASCADE,
    episode_id INTEGER NOT NULL REFERENCES solidarity_episodes (id) ON DELETE CASCADE,
    volunteer_id INTEGER REFERENCES users (id) ON DELETE SET NULL,
    outcome TEXT NOT NULL CHECK (outcome IN ('fine', 'needs_help', 'not_reached')),
    help_sealed TEXT NOT NULL DEFAULT '',
    called_at TIMESTAMP NOT NULL
);
CREATE INDEX solidarity_calls_assignment ON solidarity_calls (assignment_id, called_at);
CREATE INDEX solidarity_calls_episode ON solidarity_calls (episode_id, called_at);

-- Escalations waiting for coordinators, and their history. reason:
-- 'needs_help', 'unreached' (3 attempts without answer in 24 hours),
-- 'overdue' (not called within the level's interval), 'unmatched',
-- 'withdrawn' (the volunteer left and nobody could take over). At most one
-- open escalation per assignment. resolution: 'handled' (a coordinator's
-- note, sealed in note_sealed: it may tell about health), 'reassigned',
-- 'reached' (a later call reached the person), 'district_left',
-- 'left_registry', 'episode_ended'.
CREATE TABLE solidarity_escalations (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    assignment_id INTEGER NOT NULL REFERENCES solidarity_assignments (id) ON DELETE CASCADE,
    episode_id INTEGER NOT NULL REFERENCES solidarity_episodes (id) ON DELETE CASCADE,
    district_code TEXT NOT NULL,
    reason TEXT NOT NULL CHECK (reason IN ('needs_help', 'unreached', 'overdue', 'unmatched', 'withdrawn')),
    raised_at TIMESTAMP NOT NULL,
    resolved_at TIMESTAMP,
    resolved_by INTEGER REFERENCES users (id) ON DELETE SET NULL,
    resolution TEXT NOT NULL DEFAULT '',
    note_sealed TEXT NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX solidarity_escalations_open ON solidarity_escalations (assignment_id) WHERE resolved_at IS NULL;
CREATE INDEX solidarity_escalations_episode ON solidarity_escalations (episode_id, resolved_at);
