-- web: what the account's list of sessions shows: when each was last used (updated at most
-- hourly) and a short summary of the browser or program that started it.
ALTER TABLE sessions ADD COLUMN last_used_at BIGINT NOT NULL DEFAULT 0;
ALTER TABLE sessions ADD COLUMN user_agent VARCHAR(160) NOT NULL DEFAULT '';
