-- A shared link's own short name (Immich's slug): /s/{slug} opens it as /share/{key} does.
ALTER TABLE shared_links ADD COLUMN slug text UNIQUE CHECK (slug ~ '^[A-Za-z0-9_-]{1,100}$');
