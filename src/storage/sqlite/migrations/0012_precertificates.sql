-- Version 12: Certificate Transparency (RFC 6962 3.1). With CT logs
-- configured, a serial's first signature is a precertificate (poisoned,
-- submitted to the logs for SCTs); it is kept here, on the serial's row,
-- once signed. The final certificate, with the same serial and the SCTs
-- embedded, goes to certificates as any other. A row with a precertificate
-- and no certificate is a serial whose logs did not answer enough: it was
-- signed once (as a precertificate) and is never used again.
ALTER TABLE serials ADD COLUMN precertificate_der BLOB;  -- NULL: none signed (or no CT)
