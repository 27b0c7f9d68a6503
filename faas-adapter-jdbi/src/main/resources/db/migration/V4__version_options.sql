-- A version's options (runtime, network, environment, secret names) as one JSON object; '{}' reads back as the
-- defaults, so versions stored before this column existed keep their behaviour.
ALTER TABLE function_versions ADD COLUMN options TEXT DEFAULT '{}' NOT NULL;
