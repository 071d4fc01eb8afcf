-- Sessions as Immich keeps them: a sign-in lasts while it is used (it ends after 90 idle days,
-- measured on updated_at, which each use moves on at most hourly); only a session made for a
-- device with a duration (POST /sessions) has a fixed end. Such a session belongs to the one
-- that made it and ends with it.
ALTER TABLE sessions ALTER COLUMN expires_at DROP NOT NULL;
UPDATE sessions SET expires_at = NULL;
ALTER TABLE sessions ADD COLUMN app_version text;
ALTER TABLE sessions ADD COLUMN parent_id uuid REFERENCES sessions (id) ON DELETE CASCADE;
CREATE INDEX sessions_parent ON sessions (parent_id) WHERE parent_id IS NOT NULL;
-- Older rows hold the whole user agent in device_type; the session list shows a browser's name there.
UPDATE sessions SET device_type = '' WHERE length(device_type) > 40;
