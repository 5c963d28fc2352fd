-- Version 4: a certificate row keeps the certificate's own DER (about 650
-- bytes for an ECDSA leaf) instead of a PEM chain that repeats the
-- intermediate in every row (about 1,540 bytes); the front end appends the
-- issuer when it serves the chain. Rows written before keep their chain_pem
-- and a NULL der, and are read as they are.
ALTER TABLE certificates ADD COLUMN der BLOB;
