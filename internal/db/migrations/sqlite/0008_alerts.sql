-- Alert levels set by coordinators: the heat plan's levels and the flood
-- vigilance colours (both 1 to 4), for the whole city (scope 'city',
-- district_code NULL) or one district (scope = district_code). Every change
-- is a new row; the row it replaces gets ends_at, so the rows with ends_at
-- NULL are the current levels: at most one per hazard and scope.
CREATE TABLE alert_levels (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    hazard TEXT NOT NULL CHECK (hazard IN ('heat', 'flood')),
    scope TEXT NOT NULL,
    district_code TEXT REFERENCES districts (code) ON DELETE CASCADE,
    level INTEGER NOT NULL CHECK (level BETWEEN 1 AND 4),
    advice TEXT NOT NULL DEFAULT '',
    set_by INTEGER REFERENCES users (id) ON DELETE SET NULL,
    set_at TIMESTAMP NOT NULL,
    ends_at TIMESTAMP,
    CHECK ((scope = 'city' AND district_code IS NULL) OR scope = district_code)
);
CREATE UNIQUE INDEX alert_levels_current ON alert_levels (scope, hazard) WHERE ends_at IS NULL;
CREATE INDEX alert_levels_history ON alert_levels (set_at, id);
