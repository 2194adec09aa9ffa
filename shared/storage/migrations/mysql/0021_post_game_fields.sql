-- timeline: what a game adds to a post. title_id is set when a game posted it (through an app
-- key); app_data is the game's opaque bytes (at most 1024), returned exactly as posted.
ALTER TABLE posts ADD COLUMN title_id VARCHAR(16) NULL, ADD COLUMN app_data VARBINARY(1024) NULL, ADD COLUMN is_autopost BIGINT NOT NULL DEFAULT 0, ADD COLUMN is_app_jumpable BIGINT NOT NULL DEFAULT 0;
-- The in-game filters of a community's posts.
CREATE INDEX posts_by_community_topic ON posts (community_id, topic_tag, id);
CREATE INDEX posts_by_community_feeling ON posts (community_id, feeling, id);

-- timeline: a post's search keys (at most 5, 32 characters each), one row each, so that a
-- community's posts with one key are read from an index newest first.
CREATE TABLE post_search_keys (
    community_id BIGINT NOT NULL,
    search_key VARCHAR(32) NOT NULL,
    post_id BIGINT NOT NULL,
    region BIGINT NOT NULL,
    PRIMARY KEY (community_id, search_key, post_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX post_search_keys_by_post ON post_search_keys (post_id);
