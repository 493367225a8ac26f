-- Entitlements meet the ledger: the commitment nonce kept with each entitlement, the money paid
-- and the ledger index of its disbursement; the events record the ledger index of movements;
-- and how far the ledger's entries have been applied to these tables (so that a crash between
-- appending to the ledger and recording it here is repaired from the ledger, never paid twice).

ALTER TABLE entitlements ADD COLUMN nonce TEXT;            -- hex, 32 bytes; commitment = SHA-256(KK ‖ nonce)
ALTER TABLE entitlements ADD COLUMN paid_amount INTEGER NOT NULL DEFAULT 0;
ALTER TABLE entitlements ADD COLUMN ledger_index INTEGER;  -- leaf of the latest disbursement
CREATE INDEX entitlements_state ON entitlements(programme_id, cycle, state);

ALTER TABLE entitlement_events ADD COLUMN ledger_index INTEGER;

CREATE TABLE ledger_applied (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    entries INTEGER NOT NULL             -- ledger entries 0 .. entries are reflected here
);
INSERT INTO ledger_applied (id, entries) VALUES (1, 0);
