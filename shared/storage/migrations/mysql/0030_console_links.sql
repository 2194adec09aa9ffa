-- web: consoles (Wii U, 3DS) linked to accounts for the console API. A console presents its
-- service token (X-Nintendo-ServiceToken) on every request; only the token's SHA-256 is kept.
-- Written only by the account's home region.
CREATE TABLE console_links (
    id BIGINT NOT NULL PRIMARY KEY,
    region BIGINT NOT NULL,
    user_id BIGINT NOT NULL,
    token_hash VARCHAR(64) NOT NULL UNIQUE,
    platform VARCHAR(16) NOT NULL,
    created_at BIGINT NOT NULL,
    last_used_at BIGINT NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX console_links_by_user ON console_links (user_id, id);

-- web: the code an unlinked console shows its player (minutes long); the player enters it in
-- their settings, which links the console's token to their account. Written only by the region
-- that answered the console; a used code is not deleted (a token links once: console_links is
-- unique on it), it just expires.
CREATE TABLE console_link_codes (
    code VARCHAR(16) NOT NULL PRIMARY KEY,
    region BIGINT NOT NULL,
    token_hash VARCHAR(64) NOT NULL,
    platform VARCHAR(16) NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX console_link_codes_by_token ON console_link_codes (token_hash, expires_at);
