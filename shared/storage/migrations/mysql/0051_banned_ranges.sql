-- web: address ranges that may not sign up (CIDR, IPv4 or IPv6, stored in canonical form), with
-- the admin's reason. Inserted and deleted only by the region that made the row.
CREATE TABLE banned_ranges (
    id BIGINT NOT NULL PRIMARY KEY,
    region BIGINT NOT NULL,
    cidr VARCHAR(64) NOT NULL,
    reason VARCHAR(600) NOT NULL,
    created_by BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    UNIQUE KEY banned_ranges_cidr (cidr)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
