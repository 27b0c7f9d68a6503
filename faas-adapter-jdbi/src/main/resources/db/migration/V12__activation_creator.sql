-- The API key that made an activation (its id, never the secret): an invoke key reads only the activations it made.
-- Null for calls made without keys (a keyless server) and by the platform itself (a schedule's firing).
ALTER TABLE activations ADD COLUMN created_by VARCHAR(64);
CREATE INDEX activations_by_creator ON activations (created_by, seq);
