-- Plaza's first schema (MariaDB / MySQL). Every id is made by the application (64-bit, time-ordered,
-- carrying its region); every row records the region that wrote it. Each block names the service
-- that owns its tables: no other service reads or writes them.

-- web: accounts and sessions
CREATE TABLE users (
    id BIGINT NOT NULL PRIMARY KEY,
    region BIGINT NOT NULL,
    home_region BIGINT NOT NULL,
    username VARCHAR(16) NOT NULL,
    username_key VARCHAR(16) NOT NULL UNIQUE,
    password_hash VARCHAR(255) NOT NULL,
    display_name VARCHAR(255) NOT NULL,
    bio TEXT NOT NULL,
    is_admin BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE sessions (
    token_hash VARCHAR(64) PRIMARY KEY NOT NULL,
    user_id BIGINT NOT NULL,
    region BIGINT NOT NULL,
    kind BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX sessions_by_user ON sessions (user_id);

-- web: communities and favourites
CREATE TABLE communities (
    id BIGINT NOT NULL PRIMARY KEY,
    region BIGINT NOT NULL,
    title_id VARCHAR(32) NOT NULL,
    name VARCHAR(255) NOT NULL,
    description TEXT NOT NULL,
    icon_url VARCHAR(500),
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX communities_by_title ON communities (title_id, id);

CREATE TABLE favourites (
    id BIGINT NOT NULL PRIMARY KEY,
    region BIGINT NOT NULL,
    user_id BIGINT NOT NULL,
    community_id BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    UNIQUE (user_id, community_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX favourites_by_user ON favourites (user_id, id);

-- web: the social graph
CREATE TABLE follows (
    id BIGINT NOT NULL PRIMARY KEY,
    region BIGINT NOT NULL,
    follower_id BIGINT NOT NULL,
    followee_id BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    UNIQUE (follower_id, followee_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX follows_by_follower ON follows (follower_id, id);
CREATE INDEX follows_by_followee ON follows (followee_id, id);

CREATE TABLE blocks (
    id BIGINT NOT NULL PRIMARY KEY,
    region BIGINT NOT NULL,
    blocker_id BIGINT NOT NULL,
    blocked_id BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    UNIQUE (blocker_id, blocked_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX blocks_by_blocker ON blocks (blocker_id, id);
CREATE INDEX blocks_by_blocked ON blocks (blocked_id, id);

-- timeline: posts and comments
CREATE TABLE posts (
    id BIGINT NOT NULL PRIMARY KEY,
    region BIGINT NOT NULL,
    community_id BIGINT NOT NULL,
    author_id BIGINT NOT NULL,
    body TEXT NOT NULL,
    feeling BIGINT NOT NULL,
    spoiler BIGINT NOT NULL,
    topic_tag VARCHAR(255),
    platform VARCHAR(32) NOT NULL,
    deleted_at BIGINT,
    created_at BIGINT NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX posts_by_community ON posts (community_id, id);
CREATE INDEX posts_by_author ON posts (author_id, id);

CREATE TABLE comments (
    id BIGINT NOT NULL PRIMARY KEY,
    region BIGINT NOT NULL,
    post_id BIGINT NOT NULL,
    author_id BIGINT NOT NULL,
    body TEXT NOT NULL,
    feeling BIGINT NOT NULL,
    spoiler BIGINT NOT NULL,
    platform VARCHAR(32) NOT NULL,
    deleted_at BIGINT,
    created_at BIGINT NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX comments_by_post ON comments (post_id, id);
CREATE INDEX comments_by_post_author ON comments (post_id, author_id);

-- empathy: Yeahs, with one counter row per (target, region) so no two regions share a row
CREATE TABLE yeahs (
    id BIGINT NOT NULL PRIMARY KEY,
    region BIGINT NOT NULL,
    target_kind BIGINT NOT NULL,
    target_id BIGINT NOT NULL,
    user_id BIGINT NOT NULL,
    post_id BIGINT NOT NULL,
    community_id BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    UNIQUE (target_kind, target_id, user_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX yeahs_by_target ON yeahs (target_kind, target_id, id);
CREATE INDEX yeahs_by_user ON yeahs (user_id, target_kind, id);
CREATE INDEX yeahs_by_community ON yeahs (community_id, created_at);

CREATE TABLE yeah_counts (
    target_kind BIGINT NOT NULL,
    target_id BIGINT NOT NULL,
    region BIGINT NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (target_kind, target_id, region)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- notification: grouped notifications, written in the recipient's home region
CREATE TABLE notification_groups (
    id BIGINT NOT NULL PRIMARY KEY,
    region BIGINT NOT NULL,
    recipient_id BIGINT NOT NULL,
    kind BIGINT NOT NULL,
    target_id BIGINT NOT NULL,
    actor_count BIGINT NOT NULL,
    latest_actor_id BIGINT NOT NULL,
    previous_actor_id BIGINT,
    sort_id BIGINT NOT NULL,
    read_at BIGINT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX notification_groups_by_recipient ON notification_groups (recipient_id, sort_id);
CREATE INDEX notification_groups_open ON notification_groups (recipient_id, kind, target_id, created_at);
CREATE INDEX notification_groups_unread ON notification_groups (recipient_id, read_at);

CREATE TABLE notification_actors (
    group_id BIGINT NOT NULL,
    actor_id BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (group_id, actor_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE notification_dedupe (
    dedupe_key VARCHAR(190) PRIMARY KEY NOT NULL,
    region BIGINT NOT NULL,
    created_at BIGINT NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- worker: the durable job queue
CREATE TABLE jobs (
    id BIGINT NOT NULL PRIMARY KEY,
    region BIGINT NOT NULL,
    kind VARCHAR(64) NOT NULL,
    payload TEXT NOT NULL,
    state BIGINT NOT NULL,
    attempts BIGINT NOT NULL,
    max_attempts BIGINT NOT NULL,
    run_at BIGINT NOT NULL,
    lease_until BIGINT,
    last_error TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX jobs_ready ON jobs (state, run_at);
