-- web: consoles (Wii U, 3DS) linked to accounts for the console API. A console presents its
-- service token (X-Nintendo-ServiceToken) on every request; only the token's SHA-256 is kept.
-- Written only by the account's home region.
CREATE TABLE console_links (
    id INTEGER PRIMARY KEY NOT NULL,
    region INTEGER NOT NULL,
    user_id INTEGER NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    platform TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    last_used_at INTEGER NOT NULL
);
CREATE INDEX console_links_by_user ON console_links (user_id, id);

-- web: the code an unlinked console shows its player (minutes long); the player enters it in
-- their settings, which links the console's token to their account. Written only by the region
-- that answered the console; a used code is not deleted (a token links once: console_links is
-- unique on it), it just expires.
CREATE TABLE console_link_codes (
    code TEXT PRIMARY KEY NOT NULL,
    region INTEGER NOT NULL,
    token_hash TEXT NOT NULL,
    platform TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE INDEX console_link_codes_by_token ON console_link_codes (token_hash, expires_at);
