-- Duplicates (Immich's): assets of one owner whose CLIP vectors lie within the admin's
-- maxDistance of each other, or whose bytes are the same, share a duplicate_id until the owner
-- resolves the group (keeps some, trashes the rest) or dismisses it (keeps all).
ALTER TABLE assets ADD COLUMN duplicate_id uuid;
CREATE INDEX assets_duplicate ON assets (owner_id, duplicate_id) WHERE duplicate_id IS NOT NULL;
-- Exact copies across libraries (an upload and the same file in an external library); uploads
-- are found by their unique index (0001), which already forbids two uploads of the same bytes.
CREATE INDEX assets_library_checksum ON assets (owner_id, checksum) WHERE library_id IS NOT NULL AND checksum IS NOT NULL;
