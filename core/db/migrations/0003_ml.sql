-- Shoebox schema, part 3: machine learning — CLIP vectors for smart search, faces and the
-- people they are grouped into, and the admin's settings that steer both.

-- A stage can wait for its model: the asset is done otherwise, and is picked up when it arrives.
ALTER TABLE asset_job_status DROP CONSTRAINT asset_job_status_status_check;
ALTER TABLE asset_job_status ADD CONSTRAINT asset_job_status_status_check CHECK (status IN ('done', 'failed', 'skipped', 'waiting'));
CREATE INDEX asset_job_status_waiting ON asset_job_status (stage) WHERE status = 'waiting';

-- Settings the admin changes at run time (Immich's system-config), one JSON document per key.
CREATE TABLE system_config (
  key text PRIMARY KEY,
  value jsonb NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- One CLIP vector per asset. The column's size follows the model (ViT-B-32: 512); a model
-- of another size empties the table and changes it (see core/ml/vector-columns.ts).
CREATE TABLE smart_search (
  asset_id uuid PRIMARY KEY REFERENCES assets (id) ON DELETE CASCADE,
  model text NOT NULL,
  embedding vector(512) NOT NULL
);
CREATE INDEX smart_search_embedding ON smart_search USING hnsw (embedding vector_cosine_ops);

CREATE TABLE people (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  owner_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  name text NOT NULL DEFAULT '',
  birth_date date,
  is_hidden boolean NOT NULL DEFAULT false,
  is_favorite boolean NOT NULL DEFAULT false,
  -- The face shown for the person (asset_faces.id); the constraint follows that table.
  face_id uuid,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX people_owner ON people (owner_id);

-- A face found in an asset's preview: its box in that picture's pixels, the detector's
-- score and the recognition vector. person_id NULL: not (yet) in a person.
CREATE TABLE asset_faces (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  asset_id uuid NOT NULL REFERENCES assets (id) ON DELETE CASCADE,
  owner_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  person_id uuid REFERENCES people (id) ON DELETE SET NULL,
  image_width integer NOT NULL,
  image_height integer NOT NULL,
  x1 integer NOT NULL,
  y1 integer NOT NULL,
  x2 integer NOT NULL,
  y2 integer NOT NULL,
  score real NOT NULL,
  model text NOT NULL,
  embedding vector(512) NOT NULL,
  -- 'machine-learning', or 'manual' once a person moved it (re-clustering leaves those alone).
  source_type text NOT NULL DEFAULT 'machine-learning' CHECK (source_type IN ('machine-learning', 'manual')),
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX asset_faces_asset ON asset_faces (asset_id);
CREATE INDEX asset_faces_person ON asset_faces (person_id) WHERE person_id IS NOT NULL;
CREATE INDEX asset_faces_unassigned ON asset_faces (owner_id) WHERE person_id IS NULL;
CREATE INDEX asset_faces_embedding ON asset_faces USING hnsw (embedding vector_cosine_ops);
ALTER TABLE people ADD CONSTRAINT people_face FOREIGN KEY (face_id) REFERENCES asset_faces (id) ON DELETE SET NULL;

-- Smart search lets the planner choose between walking the HNSW index (broad filters) and
-- ranking the rows a filter keeps (narrow ones). It needs to know how narrow a filter is:
-- statistics on the place expression the filters use, and an index for favourites.
CREATE STATISTICS asset_exif_city_lower ON (lower(city)) FROM asset_exif;
CREATE STATISTICS asset_exif_make_lower ON (lower(make)) FROM asset_exif;
CREATE INDEX assets_owner_favourite ON assets (owner_id) WHERE is_favorite AND deleted_at IS NULL;
CREATE INDEX asset_faces_owner ON asset_faces (owner_id);
