-- web: answers to writes sent with an Idempotency-Key, per account, so that a retry gets the
-- first answer instead of writing twice. Kept 48 hours (purged per account as new keys come).
CREATE TABLE idempotency_keys (
    user_id INTEGER NOT NULL,
    idem_key TEXT NOT NULL,
    region INTEGER NOT NULL,
    fingerprint TEXT NOT NULL,
    -- 0 while the first request runs; its status once it has answered.
    status INTEGER NOT NULL,
    content_type TEXT NOT NULL,
    body BLOB NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (user_id, idem_key)
);
CREATE INDEX idempotency_keys_by_age ON idempotency_keys (user_id, created_at);
