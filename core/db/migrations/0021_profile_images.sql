-- A user's profile picture, as Immich keeps one: the file they sent, in the object store.
ALTER TABLE users ADD COLUMN profile_image_key text;
