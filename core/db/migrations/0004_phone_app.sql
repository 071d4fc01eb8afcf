-- What the Immich phone app needs beyond the web app.

-- A user's preferences (Immich's UserPreferences), stored as what they changed from the defaults:
-- a default changed in a later release reaches everyone who never touched it.
ALTER TABLE users ADD COLUMN preferences jsonb NOT NULL DEFAULT '{}'::jsonb;
