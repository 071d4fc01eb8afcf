-- An external library's file that goes missing puts its asset in the trash, as Immich does
-- (it leaves the timeline and search; the trash shows it as offline). `trashed_offline`
-- remembers that going offline, not the user, trashed it, so the file's return restores it
-- while an asset the user trashed stays in the trash.
ALTER TABLE assets ADD COLUMN trashed_offline boolean NOT NULL DEFAULT false;
UPDATE assets SET deleted_at = now(), trashed_offline = true, updated_at = now() WHERE is_offline AND deleted_at IS NULL;
