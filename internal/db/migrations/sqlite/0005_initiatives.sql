-- Local initiatives. A point is optional: geo_lat/geo_lon hold the point
-- used for distances and maps, the given one or else the district's
-- centroid, so that "near me" never needs a second lookup. version grows at
-- each edit: an edit based on an older version is a conflict, not an
-- overwrite. participants, followers and reports are counters kept in the
-- same transaction as the rows they count, for sorting and moderation.
-- synergy_terms are the stems of the title and summary that similarity
-- compares, written with each insert and edit so that reads never stem.
-- needs_review marks a public initiative edited since a moderator last saw
-- it: it stays public and waits in the moderation queue.
CREATE TABLE initiatives (
    id INTEGER PRIMARY KEY,
    title TEXT NOT NULL,
    summary TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    theme TEXT NOT NULL,
    district_code TEXT REFERENCES districts (code) ON DELETE SET NULL,
    address TEXT NOT NULL DEFAULT '',
    lat REAL,
    lon REAL,
    geo_lat REAL NOT NULL DEFAULT 0,
    geo_lon REAL NOT NULL DEFAULT 0,
    starts_on TEXT NOT NULL DEFAULT '',
    ends_on TEXT NOT NULL DEFAULT '',
    ongoing INTEGER NOT NULL DEFAULT 0,
    contact TEXT NOT NULL DEFAULT '',
    links TEXT NOT NULL DEFAULT '',
    image TEXT NOT NULL DEFAULT '',
    partner TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT 'draft',
    hidden INTEGER NOT NULL DEFAULT 0,
    needs_review INTEGER NOT NULL DEFAULT 0,
    version INTEGER NOT NULL DEFAULT 1,
    participants INTEGER NOT NULL DEFAULT 0,
    followers INTEGER NOT NULL DEFAULT 0,
    reports INTEGER NOT NULL DEFAULT 0,
    synergy_terms TEXT NOT NULL DEFAULT '',
    created_by INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    submitted_at TIMESTAMP,
    published_at TIMESTAMP
);
-- Public listings read published, visible initiatives only.
CREATE INDEX initiatives_public ON initiatives (status, hidden, published_at, id);
CREATE INDEX initiatives_public_theme ON initiatives (status, hidden, theme, published_at);
CREATE INDEX initiatives_public_district ON initiatives (status, hidden, district_code, published_at);
CREATE INDEX initiatives_public_geo ON initiatives (status, hidden, geo_lat, geo_lon, district_code);
CREATE INDEX initiatives_public_joined ON initiatives (status, hidden, participants, id);
-- The moderation queue.
CREATE INDEX initiatives_queue ON initiatives (status, submitted_at);

-- Full-text search: the stemmed text of each initiative (rowid = its id),
-- written by the store because SQLite has no French stemmer of its own;
-- the title apart from the summary and description (body), so that ranking
-- weighs it more.
CREATE VIRTUAL TABLE initiatives_fts USING fts5(title, body, tokenize = 'unicode61 remove_diacritics 2');

-- Who is linked to an initiative, one role each: owner and organiser run
-- it, participant joined it, follower gets its updates. intro_consent_at
-- dates an organiser's consent to be introduced to similar initiatives.
CREATE TABLE initiative_members (
    initiative_id INTEGER NOT NULL REFERENCES initiatives (id) ON DELETE CASCADE,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role TEXT NOT NULL,
    intro_consent_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (initiative_id, user_id)
);
CREATE INDEX initiative_members_user ON initiative_members (user_id, role);

-- Organisers' news, shown on the page and gathered into digests.
CREATE TABLE initiative_updates (
    id INTEGER PRIMARY KEY,
    initiative_id INTEGER NOT NULL REFERENCES initiatives (id) ON DELETE CASCADE,
    author_id INTEGER REFERENCES users (id) ON DELETE SET NULL,
    body TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX initiative_updates_initiative ON initiative_updates (initiative_id, id);

-- How far each person's digest has gone: updates with a larger id are news.
CREATE TABLE initiative_digests (
    user_id INTEGER PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    last_update_id INTEGER NOT NULL,
    sent_at TIMESTAMP NOT NULL
);

-- Reports by signed-in people, one per person and initiative.
CREATE TABLE initiative_reports (
    initiative_id INTEGER NOT NULL REFERENCES initiatives (id) ON DELETE CASCADE,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    reason TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    resolved_at TIMESTAMP,
    PRIMARY KEY (initiative_id, user_id)
);

-- Every moderation decision, with the message sent to the authors.
CREATE TABLE initiative_decisions (
    id INTEGER PRIMARY KEY,
    initiative_id INTEGER NOT NULL REFERENCES initiatives (id) ON DELETE CASCADE,
    moderator_id INTEGER REFERENCES users (id) ON DELETE SET NULL,
    decision TEXT NOT NULL,
    message TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX initiative_decisions_initiative ON initiative_decisions (initiative_id, id);

-- Introductions made from the synergy board, once per pair (a < b).
CREATE TABLE initiative_introductions (
    id INTEGER PRIMARY KEY,
    initiative_a INTEGER NOT NULL REFERENCES initiatives (id) ON DELETE CASCADE,
    initiative_b INTEGER NOT NULL REFERENCES initiatives (id) ON DELETE CASCADE,
    coordinator_id INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (initiative_a, initiative_b)
);

-- Invitations to run an initiative with its owners: the mailed token (kept
-- hashed) is the credential; whoever signs in and presents it joins the team.
CREATE TABLE initiative_invitations (
    id INTEGER PRIMARY KEY,
    initiative_id INTEGER NOT NULL REFERENCES initiatives (id) ON DELETE CASCADE,
    email TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    invited_by INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    accepted_at TIMESTAMP,
    accepted_by INTEGER REFERENCES users (id) ON DELETE SET NULL
);
CREATE INDEX initiative_invitations_initiative ON initiative_invitations (initiative_id, created_at);
