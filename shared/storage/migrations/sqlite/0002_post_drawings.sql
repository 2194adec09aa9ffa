-- timeline: a post may carry a hand-drawn picture, stored in the object store under this key.
ALTER TABLE posts ADD COLUMN drawing_key TEXT;
