-- Version 4: a certificate row keeps the certificate's own DER.
ALTER TABLE certificates ADD COLUMN der BYTEA;
