-- Stacks (Immich's): several assets shown as one — a RAW and its JPEG, a burst, edited copies.
-- The primary asset is the one on the timeline; it going deletes the stack, and the others
-- simply stand alone again. Synced to the phone app as StacksV1 (and partners' as PartnerStacksV1).
CREATE TABLE stacks (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  owner_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  primary_asset_id uuid NOT NULL REFERENCES assets (id) ON DELETE CASCADE,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  sync_seq bigint NOT NULL DEFAULT sync_next()
);
CREATE INDEX stacks_owner_sync ON stacks (owner_id, sync_seq);
CREATE INDEX stacks_primary_asset ON stacks (primary_asset_id);
ALTER TABLE assets ADD CONSTRAINT assets_stack_fk FOREIGN KEY (stack_id) REFERENCES stacks (id) ON DELETE SET NULL;
CREATE INDEX assets_stack ON assets (stack_id) WHERE stack_id IS NOT NULL;
CREATE TRIGGER stacks_sync BEFORE UPDATE ON stacks FOR EACH ROW EXECUTE FUNCTION sync_stamp();

CREATE FUNCTION sync_record_stack_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO sync_deletes (type, user_id, data) VALUES ('StackDeleteV1', OLD.owner_id, jsonb_build_object('stackId', OLD.id));
  INSERT INTO sync_deletes (type, user_id, data)
    SELECT 'PartnerStackDeleteV1', p.shared_with_id, jsonb_build_object('stackId', OLD.id) FROM partners p WHERE p.shared_by_id = OLD.owner_id;
  RETURN OLD;
END $$;
CREATE TRIGGER stacks_sync_delete AFTER DELETE ON stacks FOR EACH ROW EXECUTE FUNCTION sync_record_stack_delete();
