-- web: answers to writes sent with an Idempotency-Key, per account, so that a retry gets the
-- first answer instead of writing twice. Kept 48 hours (purged per account as new keys come).
CREATE TABLE idempotency_keys (
    user_id BIGINT NOT NULL,
    idem_key VARCHAR(255) NOT NULL,
    region BIGINT NOT NULL,
    fingerprint VARCHAR(64) NOT NULL,
    -- 0 while the first request runs; its status once it has answered.
    status BIGINT NOT NULL,
    content_type VARCHAR(100) NOT NULL,
    body MEDIUMBLOB NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (user_id, idem_key)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX idempotency_keys_by_age ON idempotency_keys (user_id, created_at);
