-- What the Immich phone app needs beyond the web app.

-- A user's preferences (Immich's UserPreferences), stored as what they changed from the defaults:
-- a default changed in a later release reaches everyone who never touched it.
ALTER TABLE users ADD COLUMN preferences jsonb NOT NULL DEFAULT '{}'::jsonb;

-- The sync stream (Immich's /sync/stream): every synced row carries the number of its last
-- change from one sequence; a client's checkpoint is the last number it acknowledged, so a
-- delta is "rows with a higher number". Deletions leave a row in sync_deletes, one per user who
-- must hear of it (NULL: everyone), numbered from the same sequence.
CREATE SEQUENCE sync_seq;
CREATE FUNCTION sync_stamp() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.sync_seq := nextval('sync_seq');
  RETURN NEW;
END $$;

ALTER TABLE users ADD COLUMN sync_seq bigint NOT NULL DEFAULT nextval('sync_seq');
ALTER TABLE assets ADD COLUMN sync_seq bigint NOT NULL DEFAULT nextval('sync_seq');
ALTER TABLE asset_exif ADD COLUMN sync_seq bigint NOT NULL DEFAULT nextval('sync_seq');
ALTER TABLE albums ADD COLUMN sync_seq bigint NOT NULL DEFAULT nextval('sync_seq');
ALTER TABLE album_users ADD COLUMN sync_seq bigint NOT NULL DEFAULT nextval('sync_seq');
ALTER TABLE album_assets ADD COLUMN sync_seq bigint NOT NULL DEFAULT nextval('sync_seq');
ALTER TABLE partners ADD COLUMN sync_seq bigint NOT NULL DEFAULT nextval('sync_seq');
CREATE TRIGGER users_sync BEFORE UPDATE ON users FOR EACH ROW EXECUTE FUNCTION sync_stamp();
CREATE TRIGGER assets_sync BEFORE UPDATE ON assets FOR EACH ROW EXECUTE FUNCTION sync_stamp();
CREATE TRIGGER asset_exif_sync BEFORE UPDATE ON asset_exif FOR EACH ROW EXECUTE FUNCTION sync_stamp();
CREATE TRIGGER albums_sync BEFORE UPDATE ON albums FOR EACH ROW EXECUTE FUNCTION sync_stamp();
CREATE TRIGGER album_users_sync BEFORE UPDATE ON album_users FOR EACH ROW EXECUTE FUNCTION sync_stamp();
CREATE TRIGGER partners_sync BEFORE UPDATE ON partners FOR EACH ROW EXECUTE FUNCTION sync_stamp();
CREATE INDEX assets_owner_sync ON assets (owner_id, sync_seq);
CREATE INDEX asset_exif_sync_seq ON asset_exif (sync_seq);
CREATE INDEX albums_sync_seq ON albums (sync_seq);
CREATE INDEX album_users_sync_seq ON album_users (sync_seq);
CREATE INDEX album_assets_sync_seq ON album_assets (album_id, sync_seq);

-- People, faces and asset metadata follow the same numbers (the app's people tab and the iOS entry).
ALTER TABLE people ADD COLUMN sync_seq bigint NOT NULL DEFAULT nextval('sync_seq');
ALTER TABLE asset_faces ADD COLUMN sync_seq bigint NOT NULL DEFAULT nextval('sync_seq');
CREATE TRIGGER people_sync BEFORE UPDATE ON people FOR EACH ROW EXECUTE FUNCTION sync_stamp();
CREATE TRIGGER asset_faces_sync BEFORE UPDATE ON asset_faces FOR EACH ROW EXECUTE FUNCTION sync_stamp();
CREATE INDEX people_owner_sync ON people (owner_id, sync_seq);
CREATE INDEX asset_faces_owner_sync ON asset_faces (owner_id, sync_seq);

ALTER TABLE memories ADD COLUMN sync_seq bigint NOT NULL DEFAULT nextval('sync_seq');
ALTER TABLE memory_assets ADD COLUMN sync_seq bigint NOT NULL DEFAULT nextval('sync_seq');
CREATE TRIGGER memories_sync BEFORE UPDATE ON memories FOR EACH ROW EXECUTE FUNCTION sync_stamp();
CREATE INDEX memories_owner_sync ON memories (owner_id, sync_seq);

CREATE TABLE sync_deletes (
  seq bigint PRIMARY KEY DEFAULT nextval('sync_seq'),
  -- The SyncEntityType of the event: AssetDeleteV1, AlbumDeleteV1, …
  type text NOT NULL,
  user_id uuid,
  data jsonb NOT NULL,
  deleted_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX sync_deletes_by_type ON sync_deletes (type, seq);

CREATE FUNCTION sync_record_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_TABLE_NAME = 'assets' THEN
    INSERT INTO sync_deletes (type, user_id, data) VALUES ('AssetDeleteV1', OLD.owner_id, jsonb_build_object('assetId', OLD.id));
    INSERT INTO sync_deletes (type, user_id, data)
      SELECT 'PartnerAssetDeleteV1', p.shared_with_id, jsonb_build_object('assetId', OLD.id) FROM partners p WHERE p.shared_by_id = OLD.owner_id;
  ELSIF TG_TABLE_NAME = 'albums' THEN
    -- BEFORE DELETE: the members are still there to be told.
    INSERT INTO sync_deletes (type, user_id, data)
      SELECT 'AlbumDeleteV1', u, jsonb_build_object('albumId', OLD.id)
        FROM (SELECT OLD.owner_id AS u UNION SELECT user_id FROM album_users WHERE album_id = OLD.id) members;
  ELSIF TG_TABLE_NAME = 'album_users' THEN
    INSERT INTO sync_deletes (type, user_id, data)
      SELECT 'AlbumUserDeleteV1', u, jsonb_build_object('albumId', OLD.album_id, 'userId', OLD.user_id)
        FROM (SELECT OLD.user_id AS u UNION SELECT owner_id FROM albums WHERE id = OLD.album_id UNION SELECT user_id FROM album_users WHERE album_id = OLD.album_id) told;
  ELSIF TG_TABLE_NAME = 'album_assets' THEN
    INSERT INTO sync_deletes (type, user_id, data)
      SELECT 'AlbumToAssetDeleteV1', u, jsonb_build_object('albumId', OLD.album_id, 'assetId', OLD.asset_id)
        FROM (SELECT owner_id AS u FROM albums WHERE id = OLD.album_id UNION SELECT user_id FROM album_users WHERE album_id = OLD.album_id) told;
  ELSIF TG_TABLE_NAME = 'partners' THEN
    INSERT INTO sync_deletes (type, user_id, data)
      SELECT 'PartnerDeleteV1', u, jsonb_build_object('sharedById', OLD.shared_by_id, 'sharedWithId', OLD.shared_with_id)
        FROM (VALUES (OLD.shared_by_id), (OLD.shared_with_id)) told (u);
  ELSIF TG_TABLE_NAME = 'memories' THEN
    INSERT INTO sync_deletes (type, user_id, data) VALUES ('MemoryDeleteV1', OLD.owner_id, jsonb_build_object('memoryId', OLD.id));
  ELSIF TG_TABLE_NAME = 'memory_assets' THEN
    INSERT INTO sync_deletes (type, user_id, data)
      SELECT 'MemoryToAssetDeleteV1', owner_id, jsonb_build_object('memoryId', OLD.memory_id, 'assetId', OLD.asset_id) FROM memories WHERE id = OLD.memory_id;
  ELSIF TG_TABLE_NAME = 'people' THEN
    INSERT INTO sync_deletes (type, user_id, data) VALUES ('PersonDeleteV1', OLD.owner_id, jsonb_build_object('personId', OLD.id));
  ELSIF TG_TABLE_NAME = 'asset_faces' THEN
    INSERT INTO sync_deletes (type, user_id, data) VALUES ('AssetFaceDeleteV1', OLD.owner_id, jsonb_build_object('assetFaceId', OLD.id));
  ELSIF TG_TABLE_NAME = 'asset_metadata' THEN
    INSERT INTO sync_deletes (type, user_id, data)
      SELECT 'AssetMetadataDeleteV1', owner_id, jsonb_build_object('assetId', OLD.asset_id, 'key', OLD.key) FROM assets WHERE id = OLD.asset_id;
  ELSIF TG_TABLE_NAME = 'users' THEN
    INSERT INTO sync_deletes (type, user_id, data) VALUES ('UserDeleteV1', NULL, jsonb_build_object('userId', OLD.id));
  END IF;
  RETURN OLD;
END $$;
CREATE TRIGGER assets_sync_delete AFTER DELETE ON assets FOR EACH ROW EXECUTE FUNCTION sync_record_delete();
CREATE TRIGGER albums_sync_delete BEFORE DELETE ON albums FOR EACH ROW EXECUTE FUNCTION sync_record_delete();
CREATE TRIGGER album_users_sync_delete AFTER DELETE ON album_users FOR EACH ROW EXECUTE FUNCTION sync_record_delete();
CREATE TRIGGER album_assets_sync_delete AFTER DELETE ON album_assets FOR EACH ROW EXECUTE FUNCTION sync_record_delete();
CREATE TRIGGER partners_sync_delete AFTER DELETE ON partners FOR EACH ROW EXECUTE FUNCTION sync_record_delete();
CREATE TRIGGER users_sync_delete AFTER DELETE ON users FOR EACH ROW EXECUTE FUNCTION sync_record_delete();
CREATE TRIGGER memories_sync_delete AFTER DELETE ON memories FOR EACH ROW EXECUTE FUNCTION sync_record_delete();
CREATE TRIGGER memory_assets_sync_delete AFTER DELETE ON memory_assets FOR EACH ROW EXECUTE FUNCTION sync_record_delete();
CREATE TRIGGER people_sync_delete AFTER DELETE ON people FOR EACH ROW EXECUTE FUNCTION sync_record_delete();
CREATE TRIGGER asset_faces_sync_delete AFTER DELETE ON asset_faces FOR EACH ROW EXECUTE FUNCTION sync_record_delete();

-- What each session (a phone) has acknowledged, per SyncEntityType: Immich's session checkpoints.
CREATE TABLE session_sync_checkpoints (
  session_id uuid NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
  type text NOT NULL,
  ack text NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (session_id, type)
);
ALTER TABLE sessions ADD COLUMN sync_reset_pending boolean NOT NULL DEFAULT false;

-- Key/value facts a client keeps about an asset (Immich's asset metadata): the iOS app's
-- "mobile-app" entry holds the iCloud id and the photo's own dates and place.
CREATE TABLE asset_metadata (
  asset_id uuid NOT NULL REFERENCES assets (id) ON DELETE CASCADE,
  key text NOT NULL,
  value jsonb NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now(),
  sync_seq bigint NOT NULL DEFAULT nextval('sync_seq'),
  PRIMARY KEY (asset_id, key)
);
CREATE TRIGGER asset_metadata_sync BEFORE UPDATE ON asset_metadata FOR EACH ROW EXECUTE FUNCTION sync_stamp();
-- Removed with its asset: the asset's own delete event says enough, and the asset row is gone by then.
CREATE TRIGGER asset_metadata_sync_delete AFTER DELETE ON asset_metadata FOR EACH ROW EXECUTE FUNCTION sync_record_delete();

-- Live updates (socket.io) follow the same numbers: what became ready or went since the last look.
CREATE INDEX assets_sync_seq ON assets (sync_seq);
