-- Immich's licences, kept as a client activated them: one for the server (system_metadata
-- 'license') and one per user. Shoebox unlocks nothing with them; Immich's clients show them.
CREATE TABLE system_metadata (
  key text PRIMARY KEY,
  value jsonb NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);
ALTER TABLE users ADD COLUMN license jsonb;
