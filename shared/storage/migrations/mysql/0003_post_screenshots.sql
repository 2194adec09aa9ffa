-- timeline: a post may carry one screenshot, stored in the object store under this key.
ALTER TABLE posts ADD COLUMN screenshot_key VARCHAR(120) NULL, ADD COLUMN screenshot_width BIGINT NULL, ADD COLUMN screenshot_height BIGINT NULL;
