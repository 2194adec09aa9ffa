-- web: restricted words. `community_id` 0 is the global list; otherwise the community's own.
-- `pattern_key` is the entry normalised as text is (NFKC, lower case, katakana as hiragana), so
-- one list cannot hold the same word twice in two forms. Rows are only inserted and deleted, each
-- by the region that made it.
CREATE TABLE word_filters (
    id INTEGER PRIMARY KEY NOT NULL,
    region INTEGER NOT NULL,
    community_id INTEGER NOT NULL,
    pattern TEXT NOT NULL,
    pattern_key TEXT NOT NULL,
    action TEXT NOT NULL,
    created_by INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    UNIQUE (community_id, pattern_key)
);
CREATE INDEX word_filters_by_list ON word_filters (community_id, id);
