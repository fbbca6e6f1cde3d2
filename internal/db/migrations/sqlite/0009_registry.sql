-- Registry of vulnerable people (draft: the registry package owns this file).
-- Personal fields are sealed (AES-256-GCM, see internal/sealed) in one
-- column; only what matching filters on stays in clear: the district and
-- the languages spoken.
CREATE TABLE registry_people (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    district_code TEXT NOT NULL REFERENCES districts (code),
    languages TEXT NOT NULL DEFAULT 'fr',
    sealed_card TEXT NOT NULL DEFAULT '',
    registered_as TEXT NOT NULL CHECK (registered_as IN ('self', 'relative', 'social_worker', 'staff')),
    registered_by INTEGER REFERENCES users (id) ON DELETE SET NULL,
    consent_version INTEGER NOT NULL,
    consent_at TIMESTAMP NOT NULL,
    season_ends_at TIMESTAMP NOT NULL,
    status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'withdrawn')),
    version INTEGER NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX registry_people_district ON registry_people (status, district_code);
