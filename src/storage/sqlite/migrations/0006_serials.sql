-- Version 6: every serial is recorded, with the certificate it is about to
-- become (its to-be-signed DER, signature algorithm included), in a durable
-- transaction of its own before the signer is asked, as Boulder records
-- serials and precertificates. A serial here without a row in certificates
-- may have been signed but never recorded (a crash or a failed write between
-- signing and FinishIssuance); it is never used again.
CREATE TABLE serials (
  serial      TEXT PRIMARY KEY,       -- hex; unique: no serial is signed twice
  order_id    TEXT NOT NULL REFERENCES orders(id),
  account_id  TEXT NOT NULL REFERENCES accounts(id),
  tbs_der     BLOB NOT NULL,
  created_at  INTEGER NOT NULL        -- unix seconds
);
