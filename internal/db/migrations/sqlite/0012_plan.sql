-- The Climate Plan (issue 8): a tree of themes, actions (with sub-actions,
-- milestones, tasks and links), indicators with goals and values, and the
-- history of every change. Dates without a time (start, end, due, milestone)
-- are ISO 'YYYY-MM-DD' text on both engines so that they compare as text
-- and never shift with a time zone.
CREATE TABLE plan_themes (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    parent_id INTEGER REFERENCES plan_themes (id) ON DELETE RESTRICT,
    slug TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    position INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX plan_themes_parent ON plan_themes (parent_id, position);

-- progress is what pages show: the manual figure, or the weighted roll-up of
-- the sub-actions kept up to date in the same transaction as any change
-- below (progress_mode 'rollup'). progress_manual holds the figure typed by
-- staff, kept when the mode changes.
CREATE TABLE plan_actions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    identifier TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    theme_id INTEGER NOT NULL REFERENCES plan_themes (id) ON DELETE RESTRICT,
    parent_id INTEGER REFERENCES plan_actions (id) ON DELETE SET NULL,
    weight REAL NOT NULL DEFAULT 1 CHECK (weight > 0),
    status TEXT NOT NULL DEFAULT 'not_started'
        CHECK (status IN ('not_started', 'on_track', 'late', 'done', 'cancelled', 'merged')),
    merged_into_id INTEGER REFERENCES plan_actions (id) ON DELETE SET NULL,
    phase TEXT NOT NULL DEFAULT '',
    starts_on TEXT,
    ends_on TEXT,
    progress_mode TEXT NOT NULL DEFAULT 'manual' CHECK (progress_mode IN ('manual', 'rollup')),
    progress_manual INTEGER CHECK (progress_manual BETWEEN 0 AND 100),
    progress REAL CHECK (progress BETWEEN 0 AND 100),
    version INTEGER NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    updated_by INTEGER REFERENCES users (id) ON DELETE SET NULL
);
CREATE INDEX plan_actions_theme ON plan_actions (theme_id, identifier);
CREATE INDEX plan_actions_parent ON plan_actions (parent_id);
CREATE INDEX plan_actions_status ON plan_actions (status);

-- Responsible City departments (kind 'department') and partners.
CREATE TABLE plan_action_responsibles (
    action_id INTEGER NOT NULL REFERENCES plan_actions (id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('department', 'partner')),
    name TEXT NOT NULL,
    position INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (action_id, kind, name)
);

CREATE TABLE plan_milestones (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    action_id INTEGER NOT NULL REFERENCES plan_actions (id) ON DELETE CASCADE,
    on_date TEXT NOT NULL,
    title TEXT NOT NULL,
    reached INTEGER NOT NULL DEFAULT 0,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX plan_milestones_action ON plan_milestones (action_id, on_date);

CREATE TABLE plan_tasks (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    action_id INTEGER NOT NULL REFERENCES plan_actions (id) ON DELETE CASCADE,
    title TEXT NOT NULL,
    due_on TEXT,
    done_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX plan_tasks_action ON plan_tasks (action_id, due_on);

-- Links from an action to indicators, initiatives and events (ids in their
-- own tables; a link to something deleted is dropped when read).
CREATE TABLE plan_action_links (
    action_id INTEGER NOT NULL REFERENCES plan_actions (id) ON DELETE CASCADE,
    target_kind TEXT NOT NULL CHECK (target_kind IN ('indicator', 'initiative', 'event')),
    target_id INTEGER NOT NULL,
    PRIMARY KEY (action_id, target_kind, target_id)
);
CREATE INDEX plan_action_links_target ON plan_action_links (target_kind, target_id);

CREATE TABLE plan_indicators (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    slug TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    unit TEXT NOT NULL,
    direction TEXT NOT NULL CHECK (direction IN ('lower', 'higher')),
    baseline_year INTEGER NOT NULL,
    baseline_value REAL NOT NULL,
    theme_id INTEGER REFERENCES plan_themes (id) ON DELETE SET NULL,
    source TEXT NOT NULL DEFAULT '',
    position INTEGER NOT NULL DEFAULT 0,
    version INTEGER NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    updated_by INTEGER REFERENCES users (id) ON DELETE SET NULL
);

CREATE TABLE plan_indicator_goals (
    indicator_id INTEGER NOT NULL REFERENCES plan_indicators (id) ON DELETE CASCADE,
    year INTEGER NOT NULL,
    value REAL NOT NULL,
    PRIMARY KEY (indicator_id, year)
);

-- on_date is '' for a yearly figure, so that (indicator, year, date) is
-- unique on both engines (NULLs would all be distinct).
CREATE TABLE plan_indicator_values (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    indicator_id INTEGER NOT NULL REFERENCES plan_indicators (id) ON DELETE CASCADE,
    year INTEGER NOT NULL,
    on_date TEXT NOT NULL DEFAULT '',
    value REAL NOT NULL,
    source TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL,
    created_by INTEGER REFERENCES users (id) ON DELETE SET NULL,
    UNIQUE (indicator_id, year, on_date)
);

-- History: one change set per edit (who, when, of what, from where) and one
-- row per field with its old and new value as text.
CREATE TABLE plan_change_sets (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    subject_kind TEXT NOT NULL CHECK (subject_kind IN ('action', 'indicator', 'theme')),
    subject_id INTEGER NOT NULL,
    subject_label TEXT NOT NULL,
    actor_id INTEGER REFERENCES users (id) ON DELETE SET NULL,
    actor_name TEXT NOT NULL DEFAULT '',
    origin TEXT NOT NULL DEFAULT 'edit' CHECK (origin IN ('edit', 'import', 'create', 'system')),
    changed_at TIMESTAMP NOT NULL
);
CREATE INDEX plan_change_sets_time ON plan_change_sets (changed_at, id);
CREATE INDEX plan_change_sets_subject ON plan_change_sets (subject_kind, subject_id, changed_at);

CREATE TABLE plan_changes (
    set_id INTEGER NOT NULL REFERENCES plan_change_sets (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    field TEXT NOT NULL,
    old_value TEXT NOT NULL DEFAULT '',
    new_value TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (set_id, position)
);
