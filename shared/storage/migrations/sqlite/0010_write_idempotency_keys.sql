-- timeline: the Idempotency-Key a post or comment was written with, unique per author, so that
-- a retry whose first attempt committed but never answered finds the row instead of writing it
-- again (the web service's idempotency_keys table answers every other retry).
ALTER TABLE posts ADD COLUMN idem_key TEXT;
ALTER TABLE comments ADD COLUMN idem_key TEXT;
CREATE UNIQUE INDEX posts_by_idem_key ON posts (author_id, idem_key);
CREATE UNIQUE INDEX comments_by_idem_key ON comments (author_id, idem_key);
