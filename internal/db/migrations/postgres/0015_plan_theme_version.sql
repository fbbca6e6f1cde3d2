-- Themes carry a version like actions, so that two staff members renaming or
-- moving the same theme at once cannot silently overwrite each other.
ALTER TABLE plan_themes ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
