-- Moderation (issue 13): moderators, reports, the moderation log (the audit log), suspensions and
-- the moderation state of posts and comments. ARCHITECTURE §3: every row here is inserted, updated
-- and deleted only by the region that made it. Reports and log entries are never updated: a report
-- is open while no resolving log entry about its target is newer than it, so resolving reports
-- homed in another region writes nothing of theirs. A suspension is never updated either: the
-- account's newest suspension row says what holds (a lift is a row of its own).

-- web: who moderates where. community_id 0 means every community (a global moderator).
CREATE TABLE moderators (
    id BIGINT NOT NULL PRIMARY KEY,
    region BIGINT NOT NULL,
    user_id BIGINT NOT NULL,
    community_id BIGINT NOT NULL,
    appointed_by BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    UNIQUE (user_id, community_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX moderators_by_community ON moderators (community_id, id);

-- web: reports, written in the reporter's home region. target_kind: 1 post, 2 comment, 3 account.
-- reporter_id 0 is the system (a word filter holding content, the report threshold). dedupe_key
-- makes one report per person and target (`u:<reporter>:<kind>:<target>`); a system report's key
-- is its own id, so the system may hold the same target again after a review.
CREATE TABLE reports (
    id BIGINT NOT NULL PRIMARY KEY,
    region BIGINT NOT NULL,
    reporter_id BIGINT NOT NULL,
    target_kind BIGINT NOT NULL,
    target_id BIGINT NOT NULL,
    target_author_id BIGINT NOT NULL,
    community_id BIGINT NOT NULL,
    reason BIGINT NOT NULL,
    body VARCHAR(1000) NOT NULL,
    dedupe_key VARCHAR(100) NOT NULL UNIQUE,
    created_at BIGINT NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX reports_by_target ON reports (target_kind, target_id, id);
CREATE INDEX reports_by_community ON reports (community_id, id);

-- web: every moderation action and role change (the audit log), written in the acting region.
-- resolves: whether the action closed the target's open reports.
CREATE TABLE moderation_log (
    id BIGINT NOT NULL PRIMARY KEY,
    region BIGINT NOT NULL,
    actor_id BIGINT NOT NULL,
    action BIGINT NOT NULL,
    target_kind BIGINT NOT NULL,
    target_id BIGINT NOT NULL,
    target_author_id BIGINT NOT NULL,
    community_id BIGINT NOT NULL,
    reason VARCHAR(1000) NOT NULL,
    until_at BIGINT NULL,
    resolves BIGINT NOT NULL,
    report_count BIGINT NOT NULL,
    created_at BIGINT NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX moderation_log_by_target ON moderation_log (target_kind, target_id, id);
CREATE INDEX moderation_log_by_author ON moderation_log (target_author_id, id);

-- web: suspensions and bans. kind: 0 lifted, 1 suspended until until_at, 2 banned.
CREATE TABLE suspensions (
    id BIGINT NOT NULL PRIMARY KEY,
    region BIGINT NOT NULL,
    user_id BIGINT NOT NULL,
    kind BIGINT NOT NULL,
    reason VARCHAR(1000) NOT NULL,
    until_at BIGINT NULL,
    log_id BIGINT NOT NULL,
    created_by BIGINT NOT NULL,
    created_at BIGINT NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX suspensions_by_user ON suspensions (user_id, id);

-- timeline: a post's or comment's moderation state, written by the row's own region.
-- moderation: 0 visible, 1 hidden pending review, 2 hidden (moderation_reason says why), 3 removed.
ALTER TABLE posts ADD COLUMN moderation BIGINT NOT NULL DEFAULT 0;
ALTER TABLE posts ADD COLUMN moderation_reason VARCHAR(1000) NULL;
ALTER TABLE comments ADD COLUMN moderation BIGINT NOT NULL DEFAULT 0;
ALTER TABLE comments ADD COLUMN moderation_reason VARCHAR(1000) NULL;
