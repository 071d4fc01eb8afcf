-- Sign-in with OpenID Connect, as Immich keeps it: a user is linked to one account at the
-- identity provider by its `sub` (empty when not linked), and a session remembers the
-- provider's session id (`sid`) so the provider's back-channel logout can end it.
ALTER TABLE users ADD COLUMN oauth_id text NOT NULL DEFAULT '';
CREATE UNIQUE INDEX users_oauth_id ON users (oauth_id) WHERE oauth_id <> '';
ALTER TABLE sessions ADD COLUMN oauth_sid text;
CREATE INDEX sessions_oauth_sid ON sessions (oauth_sid) WHERE oauth_sid IS NOT NULL;
