-- web: games. A title is a game, named by its 64-bit title id written as 16 upper-case hex
-- digits (the same text as communities.title_id, which ties a title to its communities).
CREATE TABLE titles (
    title_id VARCHAR(16) PRIMARY KEY NOT NULL,
    region BIGINT NOT NULL,
    name VARCHAR(255) NOT NULL,
    platform VARCHAR(32) NOT NULL,
    main_community_id BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- web: a title's app keys. A game sends `<id>.<secret>`; only the secret's SHA-256 is kept (the
-- secret is 32 random bytes, so a slow hash adds nothing but CPU on every poll). A revoked key
-- stops at once; a rotated key keeps working until expires_at so shipped builds can update.
CREATE TABLE app_keys (
    id BIGINT NOT NULL PRIMARY KEY,
    region BIGINT NOT NULL,
    title_id VARCHAR(16) NOT NULL,
    label VARCHAR(255) NOT NULL,
    secret_hash VARCHAR(64) NOT NULL,
    created_by BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NULL,
    revoked_at BIGINT NULL,
    replaced_by BIGINT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX app_keys_by_title ON app_keys (title_id, id);

-- web: linking a player to a game. A short code from the player's settings (hashed, single use,
-- minutes long) is exchanged by the game for a player token: a session of the game kind whose
-- row here binds it to one title.
CREATE TABLE game_link_codes (
    code_hash VARCHAR(64) PRIMARY KEY NOT NULL,
    region BIGINT NOT NULL,
    user_id BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX game_link_codes_by_user ON game_link_codes (user_id);

CREATE TABLE game_tokens (
    token_hash VARCHAR(64) PRIMARY KEY NOT NULL,
    region BIGINT NOT NULL,
    user_id BIGINT NOT NULL,
    title_id VARCHAR(16) NOT NULL,
    app_key_id BIGINT NOT NULL,
    created_at BIGINT NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX game_tokens_by_user ON game_tokens (user_id, title_id);
