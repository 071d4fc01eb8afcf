-- Tags (Immich's): each user's own hierarchy of labels, `value` being the whole path
-- ('Family/Anna'), `parent_id` the tag one level up. Deleting a tag deletes the tags under it.
-- Until now keywords lived as text in asset_exif.tags; they move here, one concept in one place:
-- tag_assets is what an asset is tagged with, whether the file said so or a person did.
CREATE TABLE tags (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  owner_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  value text NOT NULL,
  color text,
  parent_id uuid REFERENCES tags (id) ON DELETE CASCADE,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT tags_owner_value UNIQUE (owner_id, value)
);
CREATE INDEX tags_parent ON tags (parent_id) WHERE parent_id IS NOT NULL;

CREATE TABLE tag_assets (
  tag_id uuid NOT NULL REFERENCES tags (id) ON DELETE CASCADE,
  asset_id uuid NOT NULL REFERENCES assets (id) ON DELETE CASCADE,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tag_id, asset_id)
);
CREATE INDEX tag_assets_asset ON tag_assets (asset_id);

-- Existing keywords become tags: every level of 'A/B/C' is a tag ('A', 'A/B', 'A/B/C'), empty
-- levels dropped as Immich drops them ('A//B' is 'A/B').
CREATE TEMPORARY TABLE keyword_values AS
  SELECT DISTINCT a.id AS asset_id, a.owner_id,
    array_to_string(array_remove(string_to_array(k.keyword, '/'), ''), '/') AS value
  FROM asset_exif x JOIN assets a ON a.id = x.asset_id, unnest(x.tags) AS k(keyword);
DELETE FROM keyword_values WHERE value = '';

INSERT INTO tags (owner_id, value)
  SELECT DISTINCT kv.owner_id, array_to_string((string_to_array(kv.value, '/'))[1:n], '/')
  FROM keyword_values kv, generate_series(1, cardinality(string_to_array(kv.value, '/'))) AS n;
UPDATE tags t SET parent_id = p.id
  FROM tags p
  WHERE p.owner_id = t.owner_id AND position('/' IN t.value) > 0
    AND p.value = left(t.value, length(t.value) - length(split_part(t.value, '/', -1)) - 1);
INSERT INTO tag_assets (tag_id, asset_id)
  SELECT DISTINCT t.id, kv.asset_id FROM keyword_values kv JOIN tags t ON t.owner_id = kv.owner_id AND t.value = kv.value;
DROP TABLE keyword_values;

ALTER TABLE asset_exif DROP COLUMN tags;
