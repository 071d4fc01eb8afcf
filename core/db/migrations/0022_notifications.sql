-- Immich's in-app notifications: a message for one user (a failed backup, an album invite, the
-- admin's own), read or not. Deleted ones are kept a few days, as Immich keeps them.
CREATE TABLE notifications (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  level text NOT NULL CHECK (level IN ('success', 'error', 'warning', 'info')),
  type text NOT NULL,
  title text NOT NULL,
  description text,
  data jsonb,
  read_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  deleted_at timestamptz
);
CREATE INDEX notifications_user ON notifications (user_id, created_at DESC) WHERE deleted_at IS NULL;
