-- web: the interface language an account chose ('' follows the browser's Accept-Language).
ALTER TABLE users ADD COLUMN language VARCHAR(8) NOT NULL DEFAULT '';
-- timeline: the author's description of a drawing, shown as the image's text alternative.
ALTER TABLE posts ADD COLUMN drawing_alt VARCHAR(300) NULL;
ALTER TABLE comments ADD COLUMN drawing_alt VARCHAR(300) NULL;
