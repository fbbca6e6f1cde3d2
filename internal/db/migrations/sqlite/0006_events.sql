-- Events and workshops. Times are UTC instants; pages show them in the
-- city's time zone. An event belongs to an initiative, a partner
-- organisation or the City (owner_kind). capacity 0 means no limit.
-- confirmed, waitlisted and checked_in are counters kept in the same
-- transaction as the registrations they count: the capacity check reads them
-- under the event's lock, so overbooking is impossible.
CREATE TABLE events (
    id INTEGER PRIMARY KEY,
    title TEXT NOT NULL,
    summary TEXT NOT NULL DEFAULT '',
    description TEXT NOT NULL DEFAULT '',
    theme TEXT NOT NULL,
    owner_kind TEXT NOT NULL,
    initiative_id INTEGER REFERENCES initiatives (id) ON DELETE SET NULL,
    partner TEXT NOT NULL DEFAULT '',
    district_code TEXT REFERENCES districts (code) ON DELETE SET NULL,
    address TEXT NOT NULL DEFAULT '',
    online_url TEXT NOT NULL DEFAULT '',
    lat REAL,
    lon REAL,
    geo_lat REAL NOT NULL DEFAULT 0,
    geo_lon REAL NOT NULL DEFAULT 0,
    starts_at TIMESTAMP NOT NULL,
    ends_at TIMESTAMP NOT NULL,
    capacity INTEGER NOT NULL DEFAULT 0,
    registration_opens_at TIMESTAMP,
    registration_closes_at TIMESTAMP,
    accessibility TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT 'draft',
    version INTEGER NOT NULL DEFAULT 1,
    confirmed INTEGER NOT NULL DEFAULT 0,
    waitlisted INTEGER NOT NULL DEFAULT 0,
    checked_in INTEGER NOT NULL DEFAULT 0,
    created_by INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    published_at TIMESTAMP
);
CREATE INDEX events_upcoming ON events (status, starts_at);
CREATE INDEX events_upcoming_district ON events (status, district_code, starts_at);
CREATE INDEX events_upcoming_theme ON events (status, theme, starts_at);
CREATE INDEX events_initiative ON events (initiative_id, starts_at);

-- Who runs an event besides the organisers of its initiative.
CREATE TABLE event_organisers (
    event_id INTEGER NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (event_id, user_id)
);
CREATE INDEX event_organisers_user ON event_organisers (user_id);

-- The workshops of a multi-session event (a day made of workshops), each
-- with its own time and capacity (0: no limit).
CREATE TABLE event_sessions (
    id INTEGER PRIMARY KEY,
    event_id INTEGER NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    title TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    starts_at TIMESTAMP NOT NULL,
    ends_at TIMESTAMP NOT NULL,
    capacity INTEGER NOT NULL DEFAULT 0,
    confirmed INTEGER NOT NULL DEFAULT 0,
    waitlisted INTEGER NOT NULL DEFAULT 0,
    position INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX event_sessions_event ON event_sessions (event_id, starts_at);

-- One registration per person and event: confirmed, waitlisted (in id
-- order) or cancelled. ticket is the random code of the QR ticket. Ids are
-- never reused (AUTOINCREMENT): outbox keys are built from them.
CREATE TABLE event_registrations (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    event_id INTEGER NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    status TEXT NOT NULL,
    ticket TEXT NOT NULL UNIQUE,
    added_by INTEGER REFERENCES users (id) ON DELETE SET NULL,
    checked_in_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (event_id, user_id)
);
CREATE INDEX event_registrations_queue ON event_registrations (event_id, status, id);
CREATE INDEX event_registrations_user ON event_registrations (user_id, status);

-- The workshops a registered person chose, each confirmed or waitlisted.
CREATE TABLE event_session_choices (
    registration_id INTEGER NOT NULL REFERENCES event_registrations (id) ON DELETE CASCADE,
    session_id INTEGER NOT NULL REFERENCES event_sessions (id) ON DELETE CASCADE,
    status TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (registration_id, session_id)
);
CREATE INDEX event_session_choices_queue ON event_session_choices (session_id, status, created_at);

-- The private address of each person's "my events" calendar (hashed).
CREATE TABLE event_calendar_tokens (
    user_id INTEGER PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    token_hash TEXT NOT NULL UNIQUE,
    created_at TIMESTAMP NOT NULL
);
