-- Version 14: the CRLs as published by the elected instance, as SQLite's 0014.
CREATE TABLE published_crls (
  shard        INTEGER PRIMARY KEY,
  number       BIGINT NOT NULL,
  der          BYTEA NOT NULL,
  this_update  BIGINT NOT NULL,
  next_update  BIGINT NOT NULL,
  entries      BIGINT NOT NULL
);
