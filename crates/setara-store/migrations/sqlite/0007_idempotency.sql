-- Idempotency keys of the operations that move money (fund, disburse, return, reverse). A key is
-- recorded, with a digest of the request, before the ledger is written (`pending`, naming the
-- ledger index the entries will take and a digest of them); once the store has recorded the
-- entries, the first result is kept (`result`). A repeat with the same key and the same request
-- returns that result and moves nothing; a pending key whose entries reached the ledger before an
-- interruption is completed from the ledger instead of being appended again.

CREATE TABLE idempotency (
    key            TEXT PRIMARY KEY,
    operation      TEXT NOT NULL,
    request_sha256 TEXT NOT NULL,
    first_index    INTEGER NOT NULL,
    entries        INTEGER NOT NULL,
    entries_sha256 TEXT NOT NULL,
    result         TEXT,
    created_at     TEXT NOT NULL,
    done_at        TEXT
);
