-- Version 14: the CRLs as published (issue 10). With several instances on
-- one store, one elected instance builds and signs each shard's CRL and
-- keeps it here; the others serve it from here, so every instance serves
-- the same CRL and cRLNumbers never go back from one answer to the next.
-- (A single instance on SQLite does not write it.)
CREATE TABLE published_crls (
  shard        INTEGER PRIMARY KEY,
  number       INTEGER NOT NULL,   -- cRLNumber
  der          BLOB NOT NULL,
  this_update  INTEGER NOT NULL,   -- unix seconds
  next_update  INTEGER NOT NULL,
  entries      INTEGER NOT NULL
);
