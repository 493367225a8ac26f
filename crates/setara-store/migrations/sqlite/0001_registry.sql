-- Setara registry schema, version 1.
-- Every household and person row carries its provenance (the source file row it was first
-- loaded from); every later change is a row of `changes` (who, when, why, old -> new).

CREATE TABLE imports (
    id INTEGER PRIMARY KEY,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    actor TEXT NOT NULL,
    mode TEXT NOT NULL,                  -- all_or_nothing | skip_invalid
    households_added INTEGER NOT NULL DEFAULT 0,
    households_changed INTEGER NOT NULL DEFAULT 0,
    persons_added INTEGER NOT NULL DEFAULT 0,
    persons_changed INTEGER NOT NULL DEFAULT 0,
    persons_moved INTEGER NOT NULL DEFAULT 0,
    rows_rejected INTEGER NOT NULL DEFAULT 0,
    changes INTEGER NOT NULL DEFAULT 0,
    findings INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE source_files (
    id INTEGER PRIMARY KEY,
    import_id INTEGER NOT NULL REFERENCES imports(id),
    role TEXT NOT NULL,                  -- households | persons
    name TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    bytes INTEGER NOT NULL
);

CREATE TABLE households (
    id INTEGER PRIMARY KEY,
    kk INTEGER NOT NULL UNIQUE,
    region TEXT NOT NULL,                -- dotted Kemendagri code, as recorded
    address TEXT,
    rt INTEGER,
    rw INTEGER,
    declared_size INTEGER,
    tenure TEXT,
    floor_area_m2 INTEGER,
    floor TEXT,
    wall TEXT,
    roof TEXT,
    water_source TEXT,
    toilet TEXT,
    electricity TEXT,
    electricity_va INTEGER,
    cooking_fuel TEXT,
    assets_known INTEGER NOT NULL,       -- bit i: asset i+1 recorded
    assets_owned INTEGER NOT NULL,       -- bit i: asset i+1 owned
    land_m2 INTEGER,
    consumption_per_capita INTEGER,      -- rupiah per month, surveyed households only
    survey_weight REAL,
    source_file INTEGER NOT NULL REFERENCES source_files(id),
    source_row INTEGER NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX households_region ON households(region);

CREATE TABLE persons (
    id INTEGER PRIMARY KEY,
    household_id INTEGER NOT NULL REFERENCES households(id),
    nik INTEGER NOT NULL,
    name TEXT NOT NULL,
    sex TEXT NOT NULL,
    birth_date TEXT NOT NULL,
    relation TEXT NOT NULL,
    education TEXT,
    work TEXT,
    disability TEXT,
    chronic_illness INTEGER,
    health_insurance TEXT,
    school_attendance TEXT,
    source_file INTEGER NOT NULL REFERENCES source_files(id),
    source_row INTEGER NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    UNIQUE (household_id, nik)
);
CREATE INDEX persons_nik ON persons(nik);

CREATE TABLE changes (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,                    -- UTC, RFC 3339
    actor TEXT NOT NULL,
    reason TEXT NOT NULL,
    kind TEXT NOT NULL,                  -- correction | reimport | member_added | move
    import_id INTEGER REFERENCES imports(id),
    source_row INTEGER,
    kk INTEGER NOT NULL,
    nik INTEGER,
    field TEXT NOT NULL,
    old_value TEXT,
    new_value TEXT
);
CREATE INDEX changes_kk ON changes(kk);
CREATE INDEX changes_nik ON changes(nik) WHERE nik IS NOT NULL;

CREATE TABLE findings (
    id INTEGER PRIMARY KEY,
    rule TEXT NOT NULL,
    kk INTEGER NOT NULL,
    nik INTEGER NOT NULL DEFAULT 0,      -- 0 for household-level findings
    detail TEXT NOT NULL,
    import_id INTEGER REFERENCES imports(id),
    status TEXT NOT NULL DEFAULT 'open',
    found_at TEXT NOT NULL,
    UNIQUE (rule, kk, nik)
);

-- Reads of personal data (UU PDP 27/2022): who looked at which household, when.
CREATE TABLE access_log (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    kk INTEGER
);
