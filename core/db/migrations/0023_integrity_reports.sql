-- Immich's integrity reports, from a real check of the object store: originals and derived
-- files the database names but the store lacks (missing_file), files the store holds that
-- nothing names (untracked_file), and originals whose bytes no longer hash to their checksum
-- (checksum_mismatch). One row per finding; a check run again replaces its own findings.
CREATE TABLE integrity_reports (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  type text NOT NULL CHECK (type IN ('missing_file', 'untracked_file', 'checksum_mismatch')),
  path text NOT NULL,
  asset_id uuid REFERENCES assets (id) ON DELETE CASCADE,
  -- The derived file (thumbnail, preview, encoded_video…) a missing_file is, when not the original.
  file_type text,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (type, path)
);
-- When each original's bytes were last hashed, so the checksum check works through all of them in turn.
CREATE TABLE integrity_verified (
  asset_id uuid PRIMARY KEY REFERENCES assets (id) ON DELETE CASCADE,
  verified_at timestamptz NOT NULL
);
CREATE INDEX asset_files_path ON asset_files (path);
