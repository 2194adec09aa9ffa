-- web: the interface language an account chose ('' follows the browser's Accept-Language).
ALTER TABLE users ADD COLUMN language TEXT NOT NULL DEFAULT '';
-- timeline: the author's description of a drawing, shown as the image's text alternative.
ALTER TABLE posts ADD COLUMN drawing_alt TEXT;
ALTER TABLE comments ADD COLUMN drawing_alt TEXT;
