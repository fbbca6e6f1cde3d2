-- Volunteer profiles: one per account, created at onboarding. The *_mask
-- columns repeat the skills, interests, languages and active consents as bit
-- sets (skills.bit, and the order of the fixed lists in the code) so that directory filters
-- and counts over tens of thousands of volunteers need no join. Visibility
-- "community" shows the display name to signed-in members; "private" shows
-- it to coordinators only. Availability is a bit set: bit (day*3 + slot),
-- day 0 = Monday, slot 0 morning, 1 afternoon, 2 evening.
CREATE TABLE volunteer_profiles (
    user_id INTEGER PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    display_name TEXT NOT NULL DEFAULT '',
    district_code TEXT REFERENCES districts (code) ON DELETE SET NULL,
    phone TEXT NOT NULL DEFAULT '',
    visibility TEXT NOT NULL DEFAULT 'private',
    availability INTEGER NOT NULL DEFAULT 0,
    skills_mask INTEGER NOT NULL DEFAULT 0,
    interests_mask INTEGER NOT NULL DEFAULT 0,
    languages_mask INTEGER NOT NULL DEFAULT 0,
    consents_mask INTEGER NOT NULL DEFAULT 0,
    active INTEGER NOT NULL DEFAULT 1,
    onboarded_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
-- "active" mirrors the account's status (a suspended account is not listed)
-- so that directory queries never need to join the accounts table.
CREATE INDEX volunteer_profiles_district ON volunteer_profiles (active, district_code);
CREATE INDEX volunteer_profiles_listing ON volunteer_profiles (active, visibility, display_name, user_id);

-- Skills are a list admins edit; labels in both languages.
CREATE TABLE skills (
    code TEXT PRIMARY KEY,
    bit INTEGER NOT NULL UNIQUE,
    label_fr TEXT NOT NULL,
    label_en TEXT NOT NULL,
    position INTEGER NOT NULL DEFAULT 0,
    active INTEGER NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE volunteer_skills (
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    skill_code TEXT NOT NULL REFERENCES skills (code) ON DELETE CASCADE,
    PRIMARY KEY (user_id, skill_code)
);
CREATE INDEX volunteer_skills_skill ON volunteer_skills (skill_code, user_id);

CREATE TABLE volunteer_interests (
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    theme TEXT NOT NULL,
    PRIMARY KEY (user_id, theme)
);
CREATE INDEX volunteer_interests_theme ON volunteer_interests (theme, user_id);

CREATE TABLE volunteer_languages (
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    lang TEXT NOT NULL,
    PRIMARY KEY (user_id, lang)
);
CREATE INDEX volunteer_languages_lang ON volunteer_languages (lang, user_id);

-- Consents: one row per grant, dated and versioned; withdrawing dates the
-- row. A consent counts while its row is not withdrawn and its version is
-- the purpose's current one.
CREATE TABLE consents (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    purpose TEXT NOT NULL,
    version INTEGER NOT NULL,
    granted_at TIMESTAMP NOT NULL,
    withdrawn_at TIMESTAMP
);
CREATE INDEX consents_user ON consents (user_id, purpose);
CREATE INDEX consents_purpose ON consents (purpose, withdrawn_at, user_id);

-- The starting list of skills; admins edit it.
INSERT INTO skills (code, bit, label_fr, label_en, position, created_at) VALUES
    ('first_aid', 0, 'Premiers secours', 'First aid', 1, '2026-01-01 00:00:00+00:00'),
    ('phone_calls', 1, 'Appels téléphoniques', 'Phone calls', 2, '2026-01-01 00:00:00+00:00'),
    ('gardening', 2, 'Jardinage', 'Gardening', 3, '2026-01-01 00:00:00+00:00'),
    ('repair', 3, 'Réparation', 'Repair', 4, '2026-01-01 00:00:00+00:00'),
    ('cycling', 4, 'Vélo', 'Cycling', 5, '2026-01-01 00:00:00+00:00'),
    ('teaching', 5, 'Animation et pédagogie', 'Teaching', 6, '2026-01-01 00:00:00+00:00'),
    ('translation', 6, 'Traduction', 'Translation', 7, '2026-01-01 00:00:00+00:00'),
    ('cooking', 7, 'Cuisine', 'Cooking', 8, '2026-01-01 00:00:00+00:00'),
    ('diy', 8, 'Bricolage', 'DIY', 9, '2026-01-01 00:00:00+00:00'),
    ('communication', 9, 'Communication', 'Communication', 10, '2026-01-01 00:00:00+00:00'),
    ('driving', 10, 'Conduite', 'Driving', 11, '2026-01-01 00:00:00+00:00'),
    ('data', 11, 'Données et numérique', 'Data and digital', 12, '2026-01-01 00:00:00+00:00');
