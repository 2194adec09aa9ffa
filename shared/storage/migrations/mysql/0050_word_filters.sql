-- web: restricted words. `community_id` 0 is the global list; otherwise the community's own.
-- `pattern_key` is the entry normalised as text is (NFKC, lower case, katakana as hiragana), so
-- one list cannot hold the same word twice in two forms. Rows are only inserted and deleted, each
-- by the region that made it.
CREATE TABLE word_filters (
    id BIGINT NOT NULL PRIMARY KEY,
    region BIGINT NOT NULL,
    community_id BIGINT NOT NULL,
    pattern VARCHAR(100) NOT NULL,
    pattern_key VARCHAR(255) NOT NULL,
    action VARCHAR(16) NOT NULL,
    created_by BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    UNIQUE KEY word_filters_unique (community_id, pattern_key)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX word_filters_by_list ON word_filters (community_id, id);
