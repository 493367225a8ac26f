-- Welfare ranking runs and each household's desil history; organisations, programmes with
-- versioned definitions and partners; frozen beneficiary selections and the entitlements they
-- propose.

CREATE TABLE ranking_runs (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    snapshot TEXT NOT NULL,              -- content hash of the snapshot ranked
    model TEXT NOT NULL,                 -- the fitted PMT model (JSON)
    households INTEGER NOT NULL,
    surveyed INTEGER NOT NULL,
    r2 REAL NOT NULL,
    r2_out_of_sample REAL,
    rmse_out_of_sample REAL,
    file TEXT NOT NULL                   -- the ranking's columns, relative to the data directory
);

-- One row per household and run: the history of a household's score and desil.
CREATE TABLE household_desil (
    kk INTEGER NOT NULL,
    run_id INTEGER NOT NULL REFERENCES ranking_runs(id),
    score REAL NOT NULL,
    rank INTEGER NOT NULL,
    desil INTEGER NOT NULL,
    desil_province INTEGER NOT NULL,
    desil_regency INTEGER NOT NULL,
    PRIMARY KEY (kk, run_id)
);

CREATE TABLE organisations (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    type TEXT NOT NULL                   -- government | csr | social_enterprise | campus | ngo | community
);

CREATE TABLE programmes (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    owner_id INTEGER NOT NULL REFERENCES organisations(id),
    version INTEGER NOT NULL,
    definition TEXT NOT NULL,            -- the current definition (TOML)
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

-- Every version of every programme: who changed it, when and why.
CREATE TABLE programme_versions (
    programme_id INTEGER NOT NULL REFERENCES programmes(id),
    version INTEGER NOT NULL,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    reason TEXT NOT NULL,
    definition TEXT NOT NULL,
    PRIMARY KEY (programme_id, version)
);

-- Partners of the current version.
CREATE TABLE programme_partners (
    programme_id INTEGER NOT NULL REFERENCES programmes(id),
    organisation_id INTEGER NOT NULL REFERENCES organisations(id),
    role TEXT NOT NULL,                  -- funder | implementer | evaluator | regulator
    contribution_per_cycle INTEGER,
    PRIMARY KEY (programme_id, organisation_id, role)
);

-- A beneficiary list frozen for one programme cycle. Its members are copied here with the
-- values the selection used, so later registry edits never change the list.
CREATE TABLE selections (
    id INTEGER PRIMARY KEY,
    programme_id INTEGER NOT NULL REFERENCES programmes(id),
    programme_version INTEGER NOT NULL,
    cycle INTEGER NOT NULL,
    snapshot TEXT NOT NULL,
    ranking_run INTEGER NOT NULL REFERENCES ranking_runs(id),
    rule TEXT NOT NULL,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    eligible INTEGER NOT NULL,
    households INTEGER NOT NULL,
    persons INTEGER NOT NULL,
    cost INTEGER NOT NULL,
    budget INTEGER NOT NULL,
    cut TEXT,                            -- where the budget or quota cut fell (JSON)
    content_hash TEXT NOT NULL,          -- SHA-256 of the canonical member list
    UNIQUE (programme_id, cycle)
);

CREATE TABLE selection_members (
    selection_id INTEGER NOT NULL REFERENCES selections(id),
    position INTEGER NOT NULL,           -- 1-based place in the priority order
    kk INTEGER NOT NULL,
    region TEXT NOT NULL,
    members INTEGER NOT NULL,
    desil INTEGER NOT NULL,
    score REAL NOT NULL,
    amount INTEGER NOT NULL,
    PRIMARY KEY (selection_id, position)
);
CREATE INDEX selection_members_kk ON selection_members(kk);

-- Hak bantuan: one per household, programme and cycle.
CREATE TABLE entitlements (
    id INTEGER PRIMARY KEY,
    programme_id INTEGER NOT NULL REFERENCES programmes(id),
    cycle INTEGER NOT NULL,
    kk INTEGER NOT NULL,
    selection_id INTEGER REFERENCES selections(id),
    amount INTEGER NOT NULL,             -- rupiah
    state TEXT NOT NULL,                 -- proposed | verified | approved | paid | received | rejected | suspended | cancelled
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (programme_id, cycle, kk)
);
CREATE INDEX entitlements_kk ON entitlements(kk);

CREATE TABLE entitlement_events (
    id INTEGER PRIMARY KEY,
    entitlement_id INTEGER NOT NULL REFERENCES entitlements(id),
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    from_state TEXT,
    to_state TEXT NOT NULL,
    reason TEXT NOT NULL
);
CREATE INDEX entitlement_events_entitlement ON entitlement_events(entitlement_id);
