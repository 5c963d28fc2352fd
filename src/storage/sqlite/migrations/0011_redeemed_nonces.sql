-- Version 11: replay nonces (RFC 8555 6.5) shared by several signetd
-- instances on one store. A nonce is authenticated by its MAC (any instance
-- can check it), and accepted once: its first redemption inserts its row,
-- any later one finds it. Rows go once the nonce has expired anyway.
CREATE TABLE redeemed_nonces (
  id          TEXT PRIMARY KEY,       -- the nonce's random part, base64url
  expires_at  INTEGER NOT NULL        -- unix seconds
) WITHOUT ROWID;
CREATE INDEX redeemed_nonces_by_expiry ON redeemed_nonces(expires_at);
