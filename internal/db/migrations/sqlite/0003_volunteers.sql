-- Volunteer profiles: one per account, created at onboarding. Visibility
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
    onboarded_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX volunteer_profiles_district ON volunteer_profiles (district_code);

-- Skills are a list admins edit; labels in both languages.
CREATE TABLE skills (
    code TEXT PRIMARY KEY,
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
INSERT INTO skills (code, label_fr, label_en, position, created_at) VALUES
    ('first_aid', 'Premiers secours', 'First aid', 1, '2026-01-01 00:00:00+00:00'),
    ('phone_calls', 'Appels téléphoniques', 'Phone calls', 2, '2026-01-01 00:00:00+00:00'),
    ('gardening', 'Jardinage', 'Gardening', 3, '2026-01-01 00:00:00+00:00'),
    ('repair', 'Réparation', 'Repair', 4, '2026-01-01 00:00:00+00:00'),
    ('cycling', 'Vélo', 'Cycling', 5, '2026-01-01 00:00:00+00:00'),
    ('teaching', 'Animation et pédagogie', 'Teaching', 6, '2026-01-01 00:00:00+00:00'),
    ('translation', 'Traduction', 'Translation', 7, '2026-01-01 00:00:00+00:00'),
    ('cooking', 'Cuisine', 'Cooking', 8, '2026-01-01 00:00:00+00:00'),
    ('diy', 'Bricolage', 'DIY', 9, '2026-01-01 00:00:00+00:00'),
    ('communication', 'Communication', 'Communication', 10, '2026-01-01 00:00:00+00:00'),
    ('driving', 'Conduite', 'Driving', 11, '2026-01-01 00:00:00+00:00'),
    ('data', 'Données et numérique', 'Data and digital', 12, '2026-01-01 00:00:00+00:00');
