-- Solidarity network (draft: the network package owns this file): trained
-- volunteers who opted in to call vulnerable people during alerts.
CREATE TABLE solidarity_members (
    user_id INTEGER PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    capacity INTEGER NOT NULL CHECK (capacity BETWEEN 1 AND 5),
    languages TEXT NOT NULL DEFAULT 'fr',
    lat DOUBLE PRECISION,
    lon DOUBLE PRECISION,
    trained_at TIMESTAMP,
    training_version INTEGER NOT NULL DEFAULT 0,
    joined_at TIMESTAMP NOT NULL,
    withdrawn_at TIMESTAMP,
    updated_at TIMESTAMP NOT NULL
);
CREATE TABLE solidarity_member_districts (
    user_id INTEGER NOT NULL REFERENCES solidarity_members (user_id) ON DELETE CASCADE,
    district_code TEXT NOT NULL REFERENCES districts (code) ON DELETE CASCADE,
    PRIMARY KEY (user_id, district_code)
);
