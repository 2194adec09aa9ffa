-- timeline: a comment may carry a hand-drawn picture too.
ALTER TABLE comments ADD COLUMN drawing_key TEXT;
CREATE INDEX comments_by_drawing ON comments (drawing_key);
