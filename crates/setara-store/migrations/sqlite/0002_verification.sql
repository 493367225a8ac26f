-- Verification runs and the life of a finding: new (first seen by the latest run that covered
-- it), open (seen again), resolved (no longer seen by a run that covered its household).

ALTER TABLE findings ADD COLUMN severity TEXT NOT NULL DEFAULT 'error';
ALTER TABLE findings ADD COLUMN last_seen_at TEXT;
ALTER TABLE findings ADD COLUMN resolved_at TEXT;
UPDATE findings SET last_seen_at = found_at;

CREATE TABLE verify_runs (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    scope TEXT,                          -- region code, NULL for the whole registry
    snapshot TEXT NOT NULL,
    households INTEGER NOT NULL,
    persons INTEGER NOT NULL,
    new INTEGER NOT NULL,
    open INTEGER NOT NULL,
    resolved INTEGER NOT NULL
);

CREATE INDEX findings_status ON findings(status);
