-- worker: effects that another region must carry out (a notification for a person homed there, a
-- command on a row it owns). A row is written by its origin region in the same transaction as the
-- write that causes it and replicated to every region (unlike `jobs`, which stays in its region).
-- `kind` and `payload` are a `plaza_types::jobs::Job` in its stored form (versioned).
CREATE TABLE outbox (
    id INTEGER PRIMARY KEY NOT NULL,
    origin_region INTEGER NOT NULL,
    target_region INTEGER NOT NULL,
    kind TEXT NOT NULL,
    payload TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX outbox_target ON outbox (target_region, id);

-- worker: the outbox rows a region has applied, written by the target region (`region`) in the
-- same transaction as the effect (the job it queues locally). The primary key makes a second
-- application of the same row a no-op.
CREATE TABLE outbox_applied (
    outbox_id INTEGER PRIMARY KEY NOT NULL,
    region INTEGER NOT NULL,
    origin_region INTEGER NOT NULL,
    applied_at INTEGER NOT NULL
);
