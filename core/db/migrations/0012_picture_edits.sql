-- Non-destructive edits (Immich's /assets/{id}/edits): crop, rotate and mirror kept as data,
-- in order; the thumbnails are rendered with them, the original is never touched. While an
-- asset is edited, width and height are the edited picture's (the timeline lays it out so),
-- and original_width/original_height remember the original's, which crops are measured in.
CREATE TABLE asset_edits (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  asset_id uuid NOT NULL REFERENCES assets (id) ON DELETE CASCADE,
  sequence integer NOT NULL,
  action text NOT NULL CHECK (action IN ('crop', 'rotate', 'mirror')),
  parameters jsonb NOT NULL,
  UNIQUE (asset_id, sequence)
);
ALTER TABLE assets ADD COLUMN is_edited boolean NOT NULL DEFAULT false;
ALTER TABLE assets ADD COLUMN original_width integer;
ALTER TABLE assets ADD COLUMN original_height integer;
