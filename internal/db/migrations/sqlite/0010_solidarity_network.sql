-- The solidarity network: volunteers who opted in to call vulnerable people
-- during alerts. The opt-in itself is the volunteers' consent to the
-- "solidarity_network" purpose (table consents), so the profile's consent
-- history stays the single record; these rows hold what matching needs.
-- A member who withdraws keeps their row with withdrawn_at set until they
-- rejoin or their account is deleted. lat/lon are rounded to 0.001° (about
-- 100 m); when NULL, the centroid of the district at position 0 stands for
-- the member. version counts saves, for the form's optimistic check.
CREATE TABLE solidarity_members (
    user_id INTEGER PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    capacity INTEGER NOT NULL CHECK (capacity BETWEEN 1 AND 5),
    lat DOUBLE PRECISION,
    lon DOUBLE PRECISION,
    joined_at TIMESTAMP NOT NULL,
    withdrawn_at TIMESTAMP,
    updated_at TIMESTAMP NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    CHECK ((lat IS NULL) = (lon IS NULL))
);
CREATE INDEX solidarity_members_joined ON solidarity_members (joined_at, user_id);

-- The districts a member covers (1 to 5), the first one (position 0) being
-- their main district.
CREATE TABLE solidarity_member_districts (
    user_id INTEGER NOT NULL REFERENCES solidarity_members (user_id) ON DELETE CASCADE,
    district_code TEXT NOT NULL REFERENCES districts (code) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    PRIMARY KEY (user_id, district_code)
);
CREATE INDEX solidarity_member_districts_code ON solidarity_member_districts (district_code);

-- The languages a member can call in (at least one).
CREATE TABLE solidarity_member_languages (
    user_id INTEGER NOT NULL REFERENCES solidarity_members (user_id) ON DELETE CASCADE,
    lang TEXT NOT NULL,
    PRIMARY KEY (user_id, lang)
);
CREATE INDEX solidarity_member_languages_lang ON solidarity_member_languages (lang);

-- Every graded attempt at the heatwave check-in training's quiz. A member
-- is trained when they passed the training's current version; raising the
-- version in the code asks everyone to pass again.
CREATE TABLE solidarity_training_attempts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    version INTEGER NOT NULL,
    score INTEGER NOT NULL,
    total INTEGER NOT NULL,
    passed INTEGER NOT NULL,
    attempted_at TIMESTAMP NOT NULL
);
CREATE INDEX solidarity_training_attempts_user ON solidarity_training_attempts (user_id, version, passed);
