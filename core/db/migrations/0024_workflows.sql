-- Immich 3's workflows: a user's rules run on their own new assets ("archive screenshots",
-- "photos from camera X into album Y"): a trigger, then steps — filters that may stop the run,
-- actions that change the asset — from Shoebox's built-in plugin. A run is logged when asked.
CREATE TABLE workflows (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  owner_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  trigger text NOT NULL,
  name text,
  description text,
  enabled boolean NOT NULL DEFAULT true,
  logging boolean NOT NULL DEFAULT false,
  steps jsonb NOT NULL DEFAULT '[]',
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX workflows_owner_trigger ON workflows (owner_id, trigger) WHERE enabled;
CREATE TABLE workflow_logs (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  workflow_id uuid NOT NULL REFERENCES workflows (id) ON DELETE CASCADE,
  asset_id uuid,
  result text NOT NULL CHECK (result IN ('completed', 'halted', 'error')),
  last_step_index integer,
  last_step_method text,
  at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX workflow_logs_workflow ON workflow_logs (workflow_id, at DESC);
