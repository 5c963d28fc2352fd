-- Version 12: Certificate Transparency (RFC 6962 3.1), as SQLite's 0012.
-- With CT logs configured, a serial's first signature is a precertificate;
-- it is kept on the serial's row once signed. A row with a precertificate
-- and no certificate is a serial whose logs did not answer enough: signed
-- once (as a precertificate) and never used again.
ALTER TABLE serials ADD COLUMN precertificate_der BYTEA;  -- NULL: none signed (or no CT)
