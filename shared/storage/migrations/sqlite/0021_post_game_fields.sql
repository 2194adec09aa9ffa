-- timeline: what a game adds to a post. title_id is set when a game posted it (through an app
-- key); app_data is the game's opaque bytes (at most 1024), returned exactly as posted.
ALTER TABLE posts ADD COLUMN title_id TEXT;
ALTER TABLE posts ADD COLUMN app_data BLOB;
ALTER TABLE posts ADD COLUMN is_autopost INTEGER NOT NULL DEFAULT 0;
ALTER TABLE posts ADD COLUMN is_app_jumpable INTEGER NOT NULL DEFAULT 0;
-- The in-game filters of a community's posts.
CREATE INDEX posts_by_community_topic ON posts (community_id, topic_tag, id);
CREATE INDEX posts_by_community_feeling ON posts (community_id, feeling, id);

-- timeline: a post's search keys (at most 5, 32 characters each), one row each, so that a
-- community's posts with one key are read from an index newest first.
CREATE TABLE post_search_keys (
    community_id INTEGER NOT NULL,
    search_key TEXT NOT NULL,
    post_id INTEGER NOT NULL,
    region INTEGER NOT NULL,
    PRIMARY KEY (community_id, search_key, post_id)
);
CREATE INDEX post_search_keys_by_post ON post_search_keys (post_id);
