-- One script for PostgreSQL and for H2 in PostgreSQL mode. The egress permission of an API key (FAAS_EGRESS=keys:
-- only keys holding it register versions with "network": "egress"). Keys stored before get none, which changes
-- nothing under FAAS_EGRESS=off or on; every other column and row is kept as it was.
ALTER TABLE api_keys ADD COLUMN egress BOOLEAN DEFAULT FALSE NOT NULL;
