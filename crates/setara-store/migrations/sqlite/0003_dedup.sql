-- Deduplication: scored pairs of person records, the review queue, decisions, and merges that
-- link records to one entity without deleting or changing any record.

CREATE TABLE dedup_runs (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    scope TEXT,
    config TEXT NOT NULL,                -- the linkage configuration used (TOML)
    persons INTEGER NOT NULL,
    pairs_compared INTEGER NOT NULL,
    duplicates INTEGER NOT NULL,
    review INTEGER NOT NULL
);

CREATE TABLE person_pairs (
    id INTEGER PRIMARY KEY,
    person_a INTEGER NOT NULL REFERENCES persons(id),
    person_b INTEGER NOT NULL REFERENCES persons(id),   -- person_a < person_b
    match_weight REAL NOT NULL,
    match_probability REAL NOT NULL,
    explanation TEXT NOT NULL,           -- JSON: per field, comparison level and weight
    status TEXT NOT NULL,                -- duplicate | review | same | different
    run_id INTEGER REFERENCES dedup_runs(id),
    first_seen_at TEXT NOT NULL,
    last_seen_at TEXT NOT NULL,
    decided_by TEXT,
    decided_at TEXT,
    reason TEXT,
    UNIQUE (person_a, person_b)
);
CREATE INDEX person_pairs_status ON person_pairs(status);

-- The entity (real person) a record belongs to; a record without a row is its own entity
-- (entity = its person id).
CREATE TABLE person_entities (
    person_id INTEGER PRIMARY KEY REFERENCES persons(id),
    entity INTEGER NOT NULL
);
CREATE INDEX person_entities_entity ON person_entities(entity);

CREATE TABLE merges (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    reason TEXT NOT NULL,
    pair_id INTEGER REFERENCES person_pairs(id),
    entity INTEGER NOT NULL,             -- the entity both records belong to after the merge
    undone_at TEXT,
    undone_by TEXT,
    undo_reason TEXT
);

-- For each record a merge re-assigned: its entity before, so that an unmerge restores it.
CREATE TABLE merge_members (
    merge_id INTEGER NOT NULL REFERENCES merges(id),
    person_id INTEGER NOT NULL REFERENCES persons(id),
    entity_before INTEGER NOT NULL,
    PRIMARY KEY (merge_id, person_id)
);
