-- The locked folder (Immich's): assets with visibility 'locked' are their owner's alone, and
-- only in a session unlocked with the owner's PIN code. The PIN is stored as a password is
-- (scrypt); a session stays unlocked until pin_expires_at (15 minutes, extended while used).
ALTER TABLE users ADD COLUMN pin_code_hash text;
ALTER TABLE sessions ADD COLUMN pin_expires_at timestamptz;

-- Partners never hold a locked asset: moving one into the folder tells their phones it is
-- gone (PartnerAssetDeleteV1); moving it out re-sends it and its EXIF as new changes.
CREATE FUNCTION sync_record_lock() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.visibility = 'locked' THEN
    INSERT INTO sync_deletes (type, user_id, data)
      SELECT 'PartnerAssetDeleteV1', p.shared_with_id, jsonb_build_object('assetId', NEW.id) FROM partners p WHERE p.shared_by_id = NEW.owner_id;
  ELSE
    UPDATE asset_exif SET asset_id = asset_id WHERE asset_id = NEW.id;
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER assets_sync_lock AFTER UPDATE OF visibility ON assets FOR EACH ROW
  WHEN ((OLD.visibility = 'locked') IS DISTINCT FROM (NEW.visibility = 'locked')) EXECUTE FUNCTION sync_record_lock();
