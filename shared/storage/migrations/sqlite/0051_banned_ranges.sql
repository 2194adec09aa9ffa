-- web: address ranges that may not sign up (CIDR, IPv4 or IPv6, stored in canonical form), with
-- the admin's reason. Inserted and deleted only by the region that made the row.
CREATE TABLE banned_ranges (
    id INTEGER PRIMARY KEY NOT NULL,
    region INTEGER NOT NULL,
    cidr TEXT NOT NULL UNIQUE,
    reason TEXT NOT NULL,
    created_by INTEGER NOT NULL,
    created_at INTEGER NOT NULL
);
