-- Plaza's first schema (SQLite). Every id is made by the application (64-bit, time-ordered,
-- carrying its region); every row records the region that wrote it. Each block names the service
-- that owns its tables: no other service reads or writes them.

-- web: accounts and sessions
CREATE TABLE users (
    id INTEGER PRIMARY KEY NOT NULL,
    region INTEGER NOT NULL,
    home_region INTEGER NOT NULL,
    username TEXT NOT NULL,
    username_key TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    display_name TEXT NOT NULL,
    bio TEXT NOT NULL,
    is_admin INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY NOT NULL,
    user_id INTEGER NOT NULL,
    region INTEGER NOT NULL,
    kind INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE INDEX sessions_by_user ON sessions (user_id);

-- web: communities and favourites
CREATE TABLE communities (
    id INTEGER PRIMARY KEY NOT NULL,
    region INTEGER NOT NULL,
    title_id TEXT NOT NULL,
    name TEXT NOT NULL,
    description TEXT NOT NULL,
    icon_url TEXT,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX communities_by_title ON communities (title_id, id);

CREATE TABLE favourites (
    id INTEGER PRIMARY KEY NOT NULL,
    region INTEGER NOT NULL,
    user_id INTEGER NOT NULL,
    community_id INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    UNIQUE (user_id, community_id)
);
CREATE INDEX favourites_by_user ON favourites (user_id, id);

-- web: the social graph
CREATE TABLE follows (
    id INTEGER PRIMARY KEY NOT NULL,
    region INTEGER NOT NULL,
    follower_id INTEGER NOT NULL,
    followee_id INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    UNIQUE (follower_id, followee_id)
);
CREATE INDEX follows_by_follower ON follows (follower_id, id);
CREATE INDEX follows_by_followee ON follows (followee_id, id);

CREATE TABLE blocks (
    id INTEGER PRIMARY KEY NOT NULL,
    region INTEGER NOT NULL,
    blocker_id INTEGER NOT NULL,
    blocked_id INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    UNIQUE (blocker_id, blocked_id)
);
CREATE INDEX blocks_by_blocker ON blocks (blocker_id, id);
CREATE INDEX blocks_by_blocked ON blocks (blocked_id, id);

-- timeline: posts and comments
CREATE TABLE posts (
    id INTEGER PRIMARY KEY NOT NULL,
    region INTEGER NOT NULL,
    community_id INTEGER NOT NULL,
    author_id INTEGER NOT NULL,
    body TEXT NOT NULL,
    feeling INTEGER NOT NULL,
    spoiler INTEGER NOT NULL,
    topic_tag TEXT,
    platform TEXT NOT NULL,
    deleted_at INTEGER,
    created_at INTEGER NOT NULL
);
CREATE INDEX posts_by_community ON posts (community_id, id);
CREATE INDEX posts_by_author ON posts (author_id, id);

CREATE TABLE comments (
    id INTEGER PRIMARY KEY NOT NULL,
    region INTEGER NOT NULL,
    post_id INTEGER NOT NULL,
    author_id INTEGER NOT NULL,
    body TEXT NOT NULL,
    feeling INTEGER NOT NULL,
    spoiler INTEGER NOT NULL,
    platform TEXT NOT NULL,
    deleted_at INTEGER,
    created_at INTEGER NOT NULL
);
CREATE INDEX comments_by_post ON comments (post_id, id);
CREATE INDEX comments_by_post_author ON comments (post_id, author_id);

-- empathy: Yeahs, with one counter row per (target, region) so no two regions share a row
CREATE TABLE yeahs (
    id INTEGER PRIMARY KEY NOT NULL,
    region INTEGER NOT NULL,
    target_kind INTEGER NOT NULL,
    target_id INTEGER NOT NULL,
    user_id INTEGER NOT NULL,
    post_id INTEGER NOT NULL,
    community_id INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    UNIQUE (target_kind, target_id, user_id)
);
CREATE INDEX yeahs_by_target ON yeahs (target_kind, target_id, id);
CREATE INDEX yeahs_by_user ON yeahs (user_id, target_kind, id);
CREATE INDEX yeahs_by_community ON yeahs (community_id, created_at);

CREATE TABLE yeah_counts (
    target_kind INTEGER NOT NULL,
    target_id INTEGER NOT NULL,
    region INTEGER NOT NULL,
    n INTEGER NOT NULL,
    PRIMARY KEY (target_kind, target_id, region)
);

-- notification: grouped notifications, written in the recipient's home region
CREATE TABLE notification_groups (
    id INTEGER PRIMARY KEY NOT NULL,
    region INTEGER NOT NULL,
    recipient_id INTEGER NOT NULL,
    kind INTEGER NOT NULL,
    target_id INTEGER NOT NULL,
    actor_count INTEGER NOT NULL,
    latest_actor_id INTEGER NOT NULL,
    previous_actor_id INTEGER,
    sort_id INTEGER NOT NULL,
    read_at INTEGER,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX notification_groups_by_recipient ON notification_groups (recipient_id, sort_id);
CREATE INDEX notification_groups_open ON notification_groups (recipient_id, kind, target_id, created_at);
CREATE INDEX notification_groups_unread ON notification_groups (recipient_id, read_at);

CREATE TABLE notification_actors (
    group_id INTEGER NOT NULL,
    actor_id INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (group_id, actor_id)
);

CREATE TABLE notification_dedupe (
    dedupe_key TEXT PRIMARY KEY NOT NULL,
    region INTEGER NOT NULL,
    created_at INTEGER NOT NULL
);

-- worker: the durable job queue
CREATE TABLE jobs (
    id INTEGER PRIMARY KEY NOT NULL,
    region INTEGER NOT NULL,
    kind TEXT NOT NULL,
    payload TEXT NOT NULL,
    state INTEGER NOT NULL,
    attempts INTEGER NOT NULL,
    max_attempts INTEGER NOT NULL,
    run_at INTEGER NOT NULL,
    lease_until INTEGER,
    last_error TEXT,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX jobs_ready ON jobs (state, run_at);
