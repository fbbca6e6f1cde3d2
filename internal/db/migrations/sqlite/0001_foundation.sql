-- Settings and markers of the instance (for example when demo data was loaded).
CREATE TABLE app_meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

-- Districts of the city (arrondissements in Paris). Boundaries are optional
-- GeoJSON geometries; without them maps fall back to a tile grid of centroids.
CREATE TABLE districts (
    code TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    position INTEGER NOT NULL,
    lat DOUBLE PRECISION NOT NULL,
    lon DOUBLE PRECISION NOT NULL,
    area_km2 DOUBLE PRECISION NOT NULL DEFAULT 0,
    population INTEGER NOT NULL DEFAULT 0,
    boundary_geojson TEXT,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX districts_position ON districts (position);
