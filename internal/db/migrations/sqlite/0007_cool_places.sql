-- Cool places (îlots de fraîcheur): parks, gardens, pools, fountains and
-- cooled rooms people can go to in a heatwave. source_id is the open data's
-- identifiant, so a new import of the same set updates rather than
-- duplicates. hours is the weekly schedule in the compact text form of
-- coolplaces.Week ("mon=08:00-21:30;tue=closed;..."). heatwave_open and
-- summer_night_open are the City's night openings.
CREATE TABLE cool_places (
    id INTEGER PRIMARY KEY,
    source_id TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    address TEXT NOT NULL DEFAULT '',
    district_code TEXT REFERENCES districts (code) ON DELETE SET NULL,
    lat REAL NOT NULL,
    lon REAL NOT NULL,
    open_24h INTEGER NOT NULL DEFAULT 0,
    heatwave_open INTEGER NOT NULL DEFAULT 0,
    summer_night_open INTEGER NOT NULL DEFAULT 0,
    paying INTEGER NOT NULL DEFAULT 0,
    hours TEXT NOT NULL DEFAULT '',
    source TEXT NOT NULL DEFAULT '',
    updated_at TIMESTAMP NOT NULL
);
-- Nearest searches read a latitude band first, then longitudes within it.
CREATE INDEX cool_places_lat_lon ON cool_places (lat, lon);
CREATE INDEX cool_places_district ON cool_places (district_code);
