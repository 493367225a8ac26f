-- The verifier key of the ledger whose entries these tables reflect, recorded when the ledger is
-- created (or first used by this version): a ledger directory replaced by another one, or a
-- ledger re-keyed, no longer has this key and is refused until the data directory is restored.

ALTER TABLE ledger_applied ADD COLUMN vkey TEXT;
