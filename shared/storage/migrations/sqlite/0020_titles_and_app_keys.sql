-- web: games. A title is a game, named by its 64-bit title id written as 16 upper-case hex
-- digits (the same text as communities.title_id, which ties a title to its communities).
CREATE TABLE titles (
    title_id TEXT PRIMARY KEY NOT NULL,
    region INTEGER NOT NULL,
    name TEXT NOT NULL,
    platform TEXT NOT NULL,
    main_community_id INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);

-- web: a title's app keys. A game sends `<id>.<secret>`; only the secret's SHA-256 is kept (the
-- secret is 32 random bytes, so a slow hash adds nothing but CPU on every poll). A revoked key
-- stops at once; a rotated key keeps working until expires_at so shipped builds can update.
CREATE TABLE app_keys (
    id INTEGER PRIMARY KEY NOT NULL,
    region INTEGER NOT NULL,
    title_id TEXT NOT NULL,
    label TEXT NOT NULL,
    secret_hash TEXT NOT NULL,
    created_by INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER,
    revoked_at INTEGER,
    replaced_by INTEGER
);
CREATE INDEX app_keys_by_title ON app_keys (title_id, id);

-- web: linking a player to a game. A short code from the player's settings (hashed, single use,
-- minutes long) is exchanged by the game for a player token: a session of the game kind whose
-- row here binds it to one title.
CREATE TABLE game_link_codes (
    code_hash TEXT PRIMARY KEY NOT NULL,
    region INTEGER NOT NULL,
    user_id INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE INDEX game_link_codes_by_user ON game_link_codes (user_id);

CREATE TABLE game_tokens (
    token_hash TEXT PRIMARY KEY NOT NULL,
    region INTEGER NOT NULL,
    user_id INTEGER NOT NULL,
    title_id TEXT NOT NULL,
    app_key_id INTEGER NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX game_tokens_by_user ON game_tokens (user_id, title_id);
