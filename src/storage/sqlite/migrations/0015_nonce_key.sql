-- Version 15: the MAC key of the shared replay nonces (migration 0011,
-- ca/wfe/shared_nonce.h), made by the first instance that starts on this
-- store and read by every other: no instance derives it from a CA key.
CREATE TABLE nonce_key (
  id   INTEGER PRIMARY KEY CHECK (id = 1),
  key  TEXT NOT NULL                    -- 32 random bytes, hex
);
