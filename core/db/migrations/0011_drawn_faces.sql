-- A face drawn by hand (Immich's POST /faces) has a box and a person, and no vector: the
-- recognizer never compares it (a NULL distance is never within maxDistance), and face
-- detection run again on the photo leaves it, as it leaves every 'manual' face.
ALTER TABLE asset_faces ALTER COLUMN embedding DROP NOT NULL;
