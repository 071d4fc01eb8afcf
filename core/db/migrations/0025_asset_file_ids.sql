-- Immich 3.2's asset-file API names each derived file by an id of its own. A file re-rendered
-- in place (ON CONFLICT (asset_id, type) DO UPDATE) keeps its id.
ALTER TABLE asset_files ADD COLUMN id uuid NOT NULL DEFAULT gen_random_uuid();
CREATE UNIQUE INDEX asset_files_id ON asset_files (id);
