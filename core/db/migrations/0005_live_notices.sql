-- Live events that no synced row can tell (core/sync/live-events.ts): a restore from the trash
-- looks like any other change to an asset, and a settings change touches no synced table.
-- Numbered from the sync sequence so the live connections read them in step with the rest;
-- the daily clean-up drops those over an hour old (a connection away longer syncs instead).
CREATE TABLE live_notices (
  seq bigint PRIMARY KEY DEFAULT nextval('sync_seq'),
  -- Immich's socket.io event name: on_asset_restore, on_config_update
  event text NOT NULL,
  -- Who hears it; NULL: every connection.
  user_ids uuid[],
  payload jsonb,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX live_notices_created ON live_notices (created_at);
