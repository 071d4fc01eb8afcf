-- Shoebox schema, part 1: people who sign in, their assets, and the machinery that moves
-- work between stages. Later migrations add albums, faces, vectors and libraries; the
-- columns they need on assets (library_id, stack_id, live_photo_video_id) are here already.

CREATE EXTENSION IF NOT EXISTS vector;

CREATE TABLE users (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  email text NOT NULL,
  name text NOT NULL,
  password_hash text,
  is_admin boolean NOT NULL DEFAULT false,
  should_change_password boolean NOT NULL DEFAULT false,
  avatar_color text,
  storage_label text,
  quota_size_bytes bigint CHECK (quota_size_bytes IS NULL OR quota_size_bytes >= 0),
  status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'removing', 'deleted')),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  profile_changed_at timestamptz NOT NULL DEFAULT now(),
  deleted_at timestamptz
);
CREATE UNIQUE INDEX users_email_key ON users (lower(email));

-- Tokens are random 32-byte secrets; only their SHA-256 is stored.
CREATE TABLE sessions (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  token_hash bytea NOT NULL UNIQUE,
  device_type text NOT NULL DEFAULT '',
  device_os text NOT NULL DEFAULT '',
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE api_keys (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  name text NOT NULL,
  key_hash bytea NOT NULL UNIQUE,
  permissions text[] NOT NULL DEFAULT '{all}',
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX api_keys_user ON api_keys (user_id);

CREATE TABLE assets (
  id uuid PRIMARY KEY,
  owner_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  library_id uuid,
  device_asset_id text,
  device_id text,
  type text NOT NULL CHECK (type IN ('IMAGE', 'VIDEO', 'AUDIO', 'OTHER')),
  -- uploading: bytes not yet verified; processing: stages running; ready: viewable;
  -- failed: a stage gave up, failed_reason says why in words for the user.
  status text NOT NULL CHECK (status IN ('uploading', 'processing', 'ready', 'failed')),
  failed_reason text,
  original_path text NOT NULL UNIQUE,
  original_file_name text NOT NULL,
  original_mime_type text,
  checksum bytea NOT NULL CHECK (octet_length(checksum) = 20),
  file_size_bytes bigint,
  width integer,
  height integer,
  duration_ms integer,
  -- The capture instant, the wall-clock time where it was taken, and that place's offset.
  taken_at timestamptz NOT NULL,
  local_date_time timestamp NOT NULL,
  time_zone text,
  -- As the client's file system reported them.
  file_created_at timestamptz NOT NULL,
  file_modified_at timestamptz NOT NULL,
  thumbhash bytea,
  is_favorite boolean NOT NULL DEFAULT false,
  visibility text NOT NULL DEFAULT 'timeline' CHECK (visibility IN ('archive', 'timeline', 'hidden', 'locked')),
  is_offline boolean NOT NULL DEFAULT false,
  live_photo_video_id uuid REFERENCES assets (id) ON DELETE SET NULL,
  stack_id uuid,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  deleted_at timestamptz
);
-- One upload of the same bytes per user; external-library files (library_id) may repeat.
CREATE UNIQUE INDEX assets_owner_checksum ON assets (owner_id, checksum) WHERE library_id IS NULL;
CREATE INDEX assets_owner_timeline ON assets (owner_id, local_date_time DESC) WHERE deleted_at IS NULL;
CREATE INDEX assets_owner_created ON assets (owner_id, created_at DESC);

CREATE TABLE asset_exif (
  asset_id uuid PRIMARY KEY REFERENCES assets (id) ON DELETE CASCADE,
  make text,
  model text,
  lens_model text,
  exif_image_width integer,
  exif_image_height integer,
  file_size_bytes bigint,
  orientation text,
  date_time_original timestamptz,
  modify_date timestamptz,
  time_zone text,
  latitude double precision,
  longitude double precision,
  city text,
  state text,
  country text,
  description text NOT NULL DEFAULT '',
  rating smallint CHECK (rating IS NULL OR rating BETWEEN -1 AND 5),
  f_number real,
  focal_length real,
  iso integer,
  exposure_time text,
  projection_type text,
  profile_description text,
  colorspace text,
  bits_per_sample integer,
  fps real,
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- Everything derived from an original; rebuildable by re-running the stage.
CREATE TABLE asset_files (
  asset_id uuid NOT NULL REFERENCES assets (id) ON DELETE CASCADE,
  type text NOT NULL CHECK (type IN ('thumbnail', 'preview', 'fullsize', 'poster', 'encoded_video', 'sidecar')),
  path text NOT NULL,
  width integer,
  height integer,
  size_bytes bigint,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (asset_id, type)
);

-- What each stage last concluded for an asset, keyed by the checksum it worked from.
CREATE TABLE asset_job_status (
  asset_id uuid NOT NULL REFERENCES assets (id) ON DELETE CASCADE,
  stage text NOT NULL,
  status text NOT NULL CHECK (status IN ('done', 'failed', 'skipped')),
  source_checksum bytea,
  error text,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (asset_id, stage)
);

-- An upload the client has asked for and not finished; swept when expired.
CREATE TABLE upload_sessions (
  asset_id uuid PRIMARY KEY REFERENCES assets (id) ON DELETE CASCADE,
  owner_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  object_key text NOT NULL,
  expected_size bigint NOT NULL,
  multipart_upload_id text,
  part_size integer,
  part_count integer,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL
);
CREATE INDEX upload_sessions_expiry ON upload_sessions (expires_at);

-- The durable local queue (SQS semantics). Unused when the queues are SQS.
CREATE TABLE queue_messages (
  id bigserial PRIMARY KEY,
  queue text NOT NULL,
  body text NOT NULL,
  receive_count integer NOT NULL DEFAULT 0,
  visible_at timestamptz NOT NULL DEFAULT now(),
  receipt_handle uuid,
  sent_at timestamptz NOT NULL DEFAULT now(),
  last_error text,
  dead_at timestamptz
);
CREATE INDEX queue_messages_ready ON queue_messages (queue, visible_at) WHERE dead_at IS NULL;

-- The local key-value store (idempotency records). DynamoDB plays this part on AWS.
CREATE TABLE kv_store (
  key text PRIMARY KEY,
  value jsonb NOT NULL,
  expires_at timestamptz NOT NULL
);
