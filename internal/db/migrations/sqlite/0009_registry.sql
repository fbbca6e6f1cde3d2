-- Registry of vulnerable people (the registry package owns this file).
-- Personal fields are sealed (AES-256-GCM, internal/sealed) with the row and
-- column as AAD: card_sealed holds name, phone, address, needs, call times
-- and emergency contact; point_sealed the point used for matching. In clear
-- stay only what matching and the season need: district, languages, who
-- registered and how, consent, season end, timestamps. phone_blind is a keyed
-- hash of the normalised phone (sealed.Blind) so coordinators find an entry by
-- phone; identity_blind hashes phone and name together and is unique, which
-- refuses duplicates while two people sharing a landline may both register.
-- A withdrawal or the purge deletes the row; solidarity_assignments keeps
-- its counts (person_id set to NULL).
CREATE TABLE registry_people (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    district_code TEXT NOT NULL REFERENCES districts (code),
    languages TEXT NOT NULL DEFAULT 'fr',
    card_sealed TEXT NOT NULL DEFAULT '',
    point_sealed TEXT NOT NULL DEFAULT '',
    phone_blind TEXT NOT NULL,
    identity_blind TEXT NOT NULL,
    registered_as TEXT NOT NULL CHECK (registered_as IN ('self', 'relative', 'social_worker', 'staff')),
    registered_by INTEGER REFERENCES users (id) ON DELETE SET NULL,
    consent_version INTEGER NOT NULL CHECK (consent_version > 0),
    consent_at TIMESTAMP NOT NULL,
    season_ends_at TIMESTAMP NOT NULL,
    reminded_at TIMESTAMP,
    version INTEGER NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX registry_people_identity ON registry_people (identity_blind);
CREATE INDEX registry_people_phone ON registry_people (phone_blind);
CREATE INDEX registry_people_district ON registry_people (district_code, season_ends_at);
CREATE INDEX registry_people_season ON registry_people (season_ends_at);
CREATE INDEX registry_people_registrant ON registry_people (registered_by);
