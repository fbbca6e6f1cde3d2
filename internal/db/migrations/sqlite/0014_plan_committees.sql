-- The Climate Plan's monitoring committees (issue 8): members, meetings,
-- minutes, decisions and their follow-up.
CREATE TABLE plan_committees (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    slug TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    theme_id INTEGER REFERENCES plan_themes (id) ON DELETE SET NULL,
    version INTEGER NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

-- A member is an account (user_id; name stays '' and pages show the
-- account's current name) or a named person without one (an elected
-- official, say); kind says in which college they sit.
CREATE TABLE plan_committee_members (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    committee_id INTEGER NOT NULL REFERENCES plan_committees (id) ON DELETE CASCADE,
    user_id INTEGER REFERENCES users (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('volunteer', 'resident', 'elected', 'staff')),
    role TEXT NOT NULL DEFAULT '',
    joined_on TEXT NOT NULL,
    left_on TEXT
);
CREATE INDEX plan_committee_members_committee ON plan_committee_members (committee_id, kind);
-- An account sits once on a committee.
CREATE UNIQUE INDEX plan_committee_members_account ON plan_committee_members (committee_id, user_id) WHERE user_id IS NOT NULL;

-- A meeting is an event of the events feature (event_id). Staff write the
-- minutes in minutes_draft; publishing copies them to minutes, the only text
-- the public reads. version guards two staff editing the same minutes.
CREATE TABLE plan_committee_meetings (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    committee_id INTEGER NOT NULL REFERENCES plan_committees (id) ON DELETE CASCADE,
    event_id INTEGER REFERENCES events (id) ON DELETE SET NULL,
    title TEXT NOT NULL,
    starts_at TIMESTAMP NOT NULL,
    ends_at TIMESTAMP NOT NULL,
    place TEXT NOT NULL DEFAULT '',
    minutes TEXT NOT NULL DEFAULT '',
    minutes_draft TEXT NOT NULL DEFAULT '',
    minutes_published_at TIMESTAMP,
    version INTEGER NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX plan_committee_meetings_committee ON plan_committee_meetings (committee_id, starts_at);

CREATE TABLE plan_committee_decisions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    committee_id INTEGER NOT NULL REFERENCES plan_committees (id) ON DELETE CASCADE,
    meeting_id INTEGER REFERENCES plan_committee_meetings (id) ON DELETE SET NULL,
    action_id INTEGER REFERENCES plan_actions (id) ON DELETE SET NULL,
    text TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'in_progress', 'done', 'dropped')),
    due_on TEXT,
    version INTEGER NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX plan_committee_decisions_committee ON plan_committee_decisions (committee_id, status);

-- A follow-up entry: a note, and the decision's status before and after it
-- (equal when only a note was added).
CREATE TABLE plan_decision_followups (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    decision_id INTEGER NOT NULL REFERENCES plan_committee_decisions (id) ON DELETE CASCADE,
    author_id INTEGER REFERENCES users (id) ON DELETE SET NULL,
    previous_status TEXT NOT NULL,
    status TEXT NOT NULL,
    note TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX plan_decision_followups_decision ON plan_decision_followups (decision_id, created_at);
