-- A queue an admin (or a client such as immich-go, while it uploads) has paused: workers take
-- none of its messages until `until`. Every pause ends by itself, so a client that died while
-- holding one never keeps new photos waiting for good.
CREATE TABLE queue_pauses (
  queue text PRIMARY KEY,
  until timestamptz NOT NULL
);
