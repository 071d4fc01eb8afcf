-- Shoebox schema, part 2: the library around the assets — edits, albums and their
-- activity, sharing (partners, shared links), memories, external libraries, places.

-- Edits a user made by hand win over what the metadata stage reads from the file again.
ALTER TABLE asset_exif ADD COLUMN locked_properties text[] NOT NULL DEFAULT '{}';
ALTER TABLE asset_exif ADD COLUMN tags text[] NOT NULL DEFAULT '{}';
-- Apple's ContentIdentifier, in both halves of a live photo: how the still finds its video.
ALTER TABLE asset_exif ADD COLUMN live_photo_cid text;
CREATE INDEX asset_exif_live_photo ON asset_exif (live_photo_cid) WHERE live_photo_cid IS NOT NULL;
CREATE INDEX asset_exif_place ON asset_exif (lower(city)) WHERE city IS NOT NULL;
CREATE INDEX asset_exif_geo ON asset_exif (asset_id) WHERE latitude IS NOT NULL;

-- Month buckets count rows of this index only; the expression is immutable on `timestamp`.
CREATE INDEX assets_owner_month ON assets (owner_id, (date_trunc('month', local_date_time)), visibility)
  WHERE deleted_at IS NULL AND status <> 'uploading';
CREATE INDEX assets_trashed ON assets (owner_id, deleted_at) WHERE deleted_at IS NOT NULL;
-- "On this day": month and day of the local capture time.
CREATE INDEX assets_owner_day ON assets (owner_id, (extract(month FROM local_date_time)), (extract(day FROM local_date_time)))
  WHERE deleted_at IS NULL;
-- Two libraries (two users) may index the same folder; uploads keep their own unique keys.
ALTER TABLE assets DROP CONSTRAINT assets_original_path_key;
CREATE UNIQUE INDEX assets_original_path ON assets (original_path) WHERE library_id IS NULL;
-- One asset per library file; a scan that runs twice at once cannot add a file twice.
CREATE UNIQUE INDEX assets_library_path ON assets (library_id, original_path) WHERE library_id IS NOT NULL;

-- Files indexed in place: the scan remembers what it saw, to detect changes and removals.
CREATE TABLE libraries (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  owner_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  name text NOT NULL,
  import_paths text[] NOT NULL DEFAULT '{}',
  exclusion_patterns text[] NOT NULL DEFAULT '{}',
  refreshed_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  deleted_at timestamptz
);
ALTER TABLE assets ADD CONSTRAINT assets_library_fk FOREIGN KEY (library_id) REFERENCES libraries (id) ON DELETE CASCADE;
-- What the scan saw last (size and modification time tell it a file changed).
ALTER TABLE assets ADD COLUMN file_mtime timestamptz;
-- A library file's checksum is learnt by the metadata stage, which reads it anyway;
-- uploads always declare theirs.
ALTER TABLE assets ALTER COLUMN checksum DROP NOT NULL;
ALTER TABLE assets ADD CONSTRAINT assets_checksum_known CHECK (checksum IS NOT NULL OR library_id IS NOT NULL);

CREATE TABLE albums (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  owner_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  name text NOT NULL,
  description text NOT NULL DEFAULT '',
  thumbnail_asset_id uuid REFERENCES assets (id) ON DELETE SET NULL,
  is_activity_enabled boolean NOT NULL DEFAULT true,
  sort_order text NOT NULL DEFAULT 'desc' CHECK (sort_order IN ('asc', 'desc')),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX albums_owner ON albums (owner_id);

CREATE TABLE album_users (
  album_id uuid NOT NULL REFERENCES albums (id) ON DELETE CASCADE,
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  role text NOT NULL CHECK (role IN ('editor', 'viewer')),
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (album_id, user_id)
);
CREATE INDEX album_users_user ON album_users (user_id);

CREATE TABLE album_assets (
  album_id uuid NOT NULL REFERENCES albums (id) ON DELETE CASCADE,
  asset_id uuid NOT NULL REFERENCES assets (id) ON DELETE CASCADE,
  added_by uuid REFERENCES users (id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (album_id, asset_id)
);
CREATE INDEX album_assets_asset ON album_assets (asset_id);

-- Comments and likes, on an album or on one asset in it.
CREATE TABLE activities (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  album_id uuid NOT NULL REFERENCES albums (id) ON DELETE CASCADE,
  asset_id uuid REFERENCES assets (id) ON DELETE CASCADE,
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  type text NOT NULL CHECK (type IN ('comment', 'like')),
  comment text CHECK ((type = 'comment') = (comment IS NOT NULL)),
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX activities_album ON activities (album_id, created_at);
-- One like per person and target: liking twice is the same like.
CREATE UNIQUE INDEX activities_one_like ON activities (album_id, coalesce(asset_id, '00000000-0000-0000-0000-000000000000'::uuid), user_id)
  WHERE type = 'like';

-- A's whole library, readable by B; B decides whether it shows in B's timeline.
CREATE TABLE partners (
  shared_by_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  shared_with_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  in_timeline boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (shared_by_id, shared_with_id),
  CHECK (shared_by_id <> shared_with_id)
);
CREATE INDEX partners_shared_with ON partners (shared_with_id);

-- A capability URL: whoever holds the key sees what the link grants, nothing else.
CREATE TABLE shared_links (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  owner_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  key text NOT NULL UNIQUE,
  type text NOT NULL CHECK (type IN ('ALBUM', 'INDIVIDUAL')),
  album_id uuid REFERENCES albums (id) ON DELETE CASCADE,
  description text,
  password_hash text,
  expires_at timestamptz,
  allow_upload boolean NOT NULL DEFAULT false,
  allow_download boolean NOT NULL DEFAULT true,
  show_metadata boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now(),
  CHECK ((type = 'ALBUM') = (album_id IS NOT NULL))
);
CREATE INDEX shared_links_owner ON shared_links (owner_id);

CREATE TABLE shared_link_assets (
  shared_link_id uuid NOT NULL REFERENCES shared_links (id) ON DELETE CASCADE,
  asset_id uuid NOT NULL REFERENCES assets (id) ON DELETE CASCADE,
  PRIMARY KEY (shared_link_id, asset_id)
);

-- "On this day": one memory per user, day and earlier year. Hidden ones are kept (hidden_at)
-- so the daily job does not bring them back.
CREATE TABLE memories (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  owner_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  type text NOT NULL DEFAULT 'on_this_day' CHECK (type IN ('on_this_day')),
  memory_at date NOT NULL,
  year integer NOT NULL,
  is_saved boolean NOT NULL DEFAULT false,
  seen_at timestamptz,
  hidden_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (owner_id, type, memory_at, year)
);

CREATE TABLE memory_assets (
  memory_id uuid NOT NULL REFERENCES memories (id) ON DELETE CASCADE,
  asset_id uuid NOT NULL REFERENCES assets (id) ON DELETE CASCADE,
  PRIMARY KEY (memory_id, asset_id)
);
CREATE INDEX memory_assets_asset ON memory_assets (asset_id);

-- When each scheduled job last finished, so a restarted runtime does not run them twice a day.
CREATE TABLE scheduled_runs (
  job text PRIMARY KEY,
  last_run_at timestamptz NOT NULL
);

-- The timeline's month counts, kept by triggers: counting 200K rows per scroll is ~200 ms on
-- the embedded database, reading this table is ~1 ms. Zero rows are harmless (sums skip them).
-- No foreign keys: rows of a user being deleted may be written after the user is gone.
CREATE TABLE asset_month_counts (
  owner_id uuid NOT NULL,
  month timestamp NOT NULL,
  visibility text NOT NULL,
  is_favorite boolean NOT NULL,
  is_trashed boolean NOT NULL,
  type text NOT NULL,
  count integer NOT NULL,
  PRIMARY KEY (owner_id, month, visibility, is_favorite, is_trashed, type)
);

-- Bumped whenever any of an owner's assets changes: what caches of whole libraries (the map's
-- markers) compare against.
CREATE TABLE library_versions (
  owner_id uuid PRIMARY KEY,
  version bigint NOT NULL
);

CREATE FUNCTION count_asset_changes() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    INSERT INTO asset_month_counts AS c (owner_id, month, visibility, is_favorite, is_trashed, type, count)
    SELECT owner_id, date_trunc('month', local_date_time), visibility, is_favorite, deleted_at IS NOT NULL, type, -count(*)
    FROM old_rows WHERE status <> 'uploading' GROUP BY 1, 2, 3, 4, 5, 6
    ON CONFLICT (owner_id, month, visibility, is_favorite, is_trashed, type) DO UPDATE SET count = c.count + excluded.count;
  END IF;
  IF TG_OP IN ('UPDATE', 'INSERT') THEN
    INSERT INTO asset_month_counts AS c (owner_id, month, visibility, is_favorite, is_trashed, type, count)
    SELECT owner_id, date_trunc('month', local_date_time), visibility, is_favorite, deleted_at IS NOT NULL, type, count(*)
    FROM new_rows WHERE status <> 'uploading' GROUP BY 1, 2, 3, 4, 5, 6
    ON CONFLICT (owner_id, month, visibility, is_favorite, is_trashed, type) DO UPDATE SET count = c.count + excluded.count;
    INSERT INTO library_versions AS v (owner_id, version) SELECT DISTINCT owner_id, 1 FROM new_rows
    ON CONFLICT (owner_id) DO UPDATE SET version = v.version + 1;
  ELSE
    INSERT INTO library_versions AS v (owner_id, version) SELECT DISTINCT owner_id, 1 FROM old_rows
    ON CONFLICT (owner_id) DO UPDATE SET version = v.version + 1;
  END IF;
  RETURN NULL;
END
$$;

-- Transition tables allow one event per trigger, hence three.
CREATE TRIGGER assets_counted_insert AFTER INSERT ON assets REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION count_asset_changes();
CREATE TRIGGER assets_counted_update AFTER UPDATE ON assets REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION count_asset_changes();
CREATE TRIGGER assets_counted_delete AFTER DELETE ON assets REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION count_asset_changes();

INSERT INTO asset_month_counts (owner_id, month, visibility, is_favorite, is_trashed, type, count)
SELECT owner_id, date_trunc('month', local_date_time), visibility, is_favorite, deleted_at IS NOT NULL, type, count(*)
FROM assets WHERE status <> 'uploading' GROUP BY 1, 2, 3, 4, 5, 6;
INSERT INTO library_versions (owner_id, version) SELECT DISTINCT owner_id, 1 FROM assets;
