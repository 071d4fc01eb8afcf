-- Sync numbers in commit order. On a real Postgres several transactions write at once: one can
-- take number 10 and commit after another took 11 and committed. A stream bounded at 11 would
-- not see 10 yet, the phone would acknowledge 11, and 10 would never reach it. So a writer takes
-- the sync lock shared (until its transaction ends) when it takes a number, and a stream's bound
-- is taken under the lock exclusive: it waits for the writers in flight to finish, so every
-- number below the bound belongs to a finished transaction. Writers never wait for each other.
-- (PGlite has one backend, where the lock never waits.)
CREATE FUNCTION sync_next() RETURNS bigint LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_advisory_xact_lock_shared(7314001);
  RETURN nextval('sync_seq');
END $$;

-- The bound of a sync stream or a live-updates look: run it in a statement of its own (outside
-- a transaction that writes), so the exclusive lock ends with the statement.
CREATE FUNCTION sync_now() RETURNS bigint LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_advisory_xact_lock(7314001);
  RETURN nextval('sync_seq');
END $$;

CREATE OR REPLACE FUNCTION sync_stamp() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.sync_seq := sync_next();
  RETURN NEW;
END $$;

ALTER TABLE users ALTER COLUMN sync_seq SET DEFAULT sync_next();
ALTER TABLE assets ALTER COLUMN sync_seq SET DEFAULT sync_next();
ALTER TABLE asset_exif ALTER COLUMN sync_seq SET DEFAULT sync_next();
ALTER TABLE albums ALTER COLUMN sync_seq SET DEFAULT sync_next();
ALTER TABLE album_users ALTER COLUMN sync_seq SET DEFAULT sync_next();
ALTER TABLE album_assets ALTER COLUMN sync_seq SET DEFAULT sync_next();
ALTER TABLE partners ALTER COLUMN sync_seq SET DEFAULT sync_next();
ALTER TABLE people ALTER COLUMN sync_seq SET DEFAULT sync_next();
ALTER TABLE asset_faces ALTER COLUMN sync_seq SET DEFAULT sync_next();
ALTER TABLE memories ALTER COLUMN sync_seq SET DEFAULT sync_next();
ALTER TABLE memory_assets ALTER COLUMN sync_seq SET DEFAULT sync_next();
ALTER TABLE asset_metadata ALTER COLUMN sync_seq SET DEFAULT sync_next();
ALTER TABLE sync_deletes ALTER COLUMN seq SET DEFAULT sync_next();
ALTER TABLE live_notices ALTER COLUMN seq SET DEFAULT sync_next();
