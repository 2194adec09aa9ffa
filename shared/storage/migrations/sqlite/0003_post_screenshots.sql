-- timeline: a post may carry one screenshot, stored in the object store under this key.
ALTER TABLE posts ADD COLUMN screenshot_key TEXT;
ALTER TABLE posts ADD COLUMN screenshot_width INTEGER;
ALTER TABLE posts ADD COLUMN screenshot_height INTEGER;
