-- Loads the data Plaza's `plaza seed` made (exported as CSV into the current directory by
-- scripts/peer-bench.sh) into Lemmy 0.17.4's tables, after Lemmy's own migrations and first-start
-- setup ran. Lemmy keeps its counters (post, comment, community, person and site aggregates) with
-- row triggers; fired once per row for 100k+ rows they update the same few aggregate rows again
-- and again inside one transaction, which gets slower with every dead row version. So the load
-- runs with triggers off (session_replication_role = replica) and then computes every aggregate
-- the triggers would have kept, in bulk.
\set ON_ERROR_STOP on

CREATE UNLOGGED TABLE peer_user (pid bigint PRIMARY KEY, name text, display text, at bigint);
CREATE UNLOGGED TABLE peer_community (pid bigint PRIMARY KEY, name text, description text, at bigint);
CREATE UNLOGGED TABLE peer_post (pid bigint PRIMARY KEY, community bigint, author bigint, body text, at bigint);
CREATE UNLOGGED TABLE peer_comment (pid bigint PRIMARY KEY, post bigint, author bigint, body text, at bigint);
CREATE UNLOGGED TABLE peer_vote (post bigint, author bigint, at bigint);
\copy peer_user FROM 'users.csv' WITH (FORMAT csv)
\copy peer_community FROM 'communities.csv' WITH (FORMAT csv)
\copy peer_post FROM 'posts.csv' WITH (FORMAT csv)
\copy peer_comment FROM 'comments.csv' WITH (FORMAT csv)
\copy peer_vote FROM 'votes.csv' WITH (FORMAT csv)

-- Lemmy ids for Plaza's, in Plaza's order (Plaza's ids are time-ordered).
CREATE UNLOGGED TABLE peer_user_map AS
  SELECT pid, (SELECT greatest(coalesce(max(id), 0), (SELECT coalesce(max(id), 0) FROM local_user)) FROM person)
              + row_number() OVER (ORDER BY pid) AS lid FROM peer_user;
CREATE UNLOGGED TABLE peer_community_map AS
  SELECT pid, (SELECT coalesce(max(id), 0) FROM community) + row_number() OVER (ORDER BY pid) AS lid,
         row_number() OVER (ORDER BY pid) AS n FROM peer_community;
CREATE UNLOGGED TABLE peer_post_map AS
  SELECT pid, (SELECT coalesce(max(id), 0) FROM post) + row_number() OVER (ORDER BY pid) AS lid FROM peer_post;
CREATE UNLOGGED TABLE peer_comment_map AS
  SELECT pid, (SELECT coalesce(max(id), 0) FROM comment) + row_number() OVER (ORDER BY pid) AS lid FROM peer_comment;
CREATE INDEX ON peer_user_map (pid);
CREATE INDEX ON peer_community_map (pid);
CREATE INDEX ON peer_post_map (pid);
CREATE INDEX ON peer_comment_map (pid);
ANALYZE;

BEGIN;
SET LOCAL session_replication_role = replica;

INSERT INTO person (id, name, display_name, published, actor_id, inbox_url, public_key, instance_id, local)
SELECT m.lid, u.name, u.display, to_timestamp(u.at / 1000.0) AT TIME ZONE 'UTC',
       'http://peer.localhost/u/' || u.name, 'http://peer.localhost/u/' || u.name || '/inbox',
       'unused', (SELECT instance_id FROM site ORDER BY id LIMIT 1), true
FROM peer_user u JOIN peer_user_map m USING (pid);

-- Every account gets the admin's password hash (nobody signs in: the load uses tokens), and a
-- validator time in the past so that tokens issued now are valid.
INSERT INTO local_user (id, person_id, password_encrypted, validator_time, accepted_application, email_verified)
SELECT m.lid, m.lid, (SELECT password_encrypted FROM local_user ORDER BY id LIMIT 1), '2000-01-01', true, true
FROM peer_user_map m;

INSERT INTO community (id, name, title, description, published, actor_id, followers_url, inbox_url,
                       public_key, instance_id, local)
SELECT m.lid, 'game' || m.n, c.name, c.description, to_timestamp(c.at / 1000.0) AT TIME ZONE 'UTC',
       'http://peer.localhost/c/game' || m.n, 'http://peer.localhost/c/game' || m.n || '/followers',
       'http://peer.localhost/c/game' || m.n || '/inbox', 'unused',
       (SELECT instance_id FROM site ORDER BY id LIMIT 1), true
FROM peer_community c JOIN peer_community_map m USING (pid);

-- Plaza's posts have a body and no title; Lemmy's need a title: the body serves as both.
INSERT INTO post (id, name, body, creator_id, community_id, published, ap_id, local, language_id)
SELECT pm.lid, left(p.body, 200), p.body, um.lid, cm.lid, to_timestamp(p.at / 1000.0) AT TIME ZONE 'UTC',
       'http://peer.localhost/post/' || pm.lid, true, 0
FROM peer_post p JOIN peer_post_map pm USING (pid)
JOIN peer_user_map um ON um.pid = p.author
JOIN peer_community_map cm ON cm.pid = p.community;

-- Plaza's comments are flat: each is a top-level comment (path 0.<id>).
INSERT INTO comment (id, creator_id, post_id, content, published, ap_id, local, path, language_id)
SELECT km.lid, um.lid, pm.lid, k.body, to_timestamp(k.at / 1000.0) AT TIME ZONE 'UTC',
       'http://peer.localhost/comment/' || km.lid, true, ('0.' || km.lid)::ltree, 0
FROM peer_comment k JOIN peer_comment_map km USING (pid)
JOIN peer_user_map um ON um.pid = k.author
JOIN peer_post_map pm ON pm.pid = k.post;

-- A Yeah is an upvote.
INSERT INTO post_like (post_id, person_id, score, published)
SELECT pm.lid, um.lid, 1, to_timestamp(v.at / 1000.0) AT TIME ZONE 'UTC'
FROM peer_vote v JOIN peer_post_map pm ON pm.pid = v.post JOIN peer_user_map um ON um.pid = v.author;

-- What the triggers would have kept.
CREATE TEMP TABLE peer_post_counts AS
SELECT p.id, p.published, p.creator_id, p.community_id, coalesce(c.n, 0) AS comments, c.newest,
       coalesce(v.s, 0) AS score
FROM post p JOIN peer_post_map m ON m.lid = p.id
LEFT JOIN (SELECT post_id, count(*) AS n, max(published) AS newest FROM comment GROUP BY post_id) c
  ON c.post_id = p.id
LEFT JOIN (SELECT post_id, sum(score) AS s FROM post_like GROUP BY post_id) v ON v.post_id = p.id;

INSERT INTO post_aggregates (post_id, comments, score, upvotes, downvotes, published,
                             newest_comment_time, newest_comment_time_necro, hot_rank, hot_rank_active)
SELECT id, comments, score, score, 0, published, coalesce(newest, published), coalesce(newest, published),
       hot_rank(score::numeric, published), hot_rank(score::numeric, coalesce(newest, published))
FROM peer_post_counts;

INSERT INTO comment_aggregates (comment_id, published, hot_rank)
SELECT c.id, c.published, hot_rank(0, c.published) FROM comment c JOIN peer_comment_map m ON m.lid = c.id;

INSERT INTO person_aggregates (person_id, post_count, post_score, comment_count, comment_score)
SELECT m.lid, coalesce(p.n, 0), coalesce(p.s, 0), coalesce(c.n, 0), 0
FROM peer_user_map m
LEFT JOIN (SELECT creator_id, count(*) AS n, sum(score) AS s FROM peer_post_counts GROUP BY creator_id) p
  ON p.creator_id = m.lid
LEFT JOIN (SELECT creator_id, count(*) AS n FROM comment GROUP BY creator_id) c ON c.creator_id = m.lid;

INSERT INTO community_aggregates (community_id, posts, comments, published)
SELECT m.lid, coalesce(p.n, 0), coalesce(p.k, 0), c.published
FROM peer_community_map m JOIN community c ON c.id = m.lid
LEFT JOIN (SELECT community_id, count(*) AS n, sum(comments) AS k FROM peer_post_counts GROUP BY community_id) p
  ON p.community_id = m.lid;

UPDATE site_aggregates SET
  users = (SELECT count(*) FROM local_user),
  posts = (SELECT count(*) FROM post),
  comments = (SELECT count(*) FROM comment),
  communities = (SELECT count(*) FROM community);

-- Communities made through the API allow every language; so do these.
INSERT INTO community_language (community_id, language_id)
SELECT m.lid, l.id FROM peer_community_map m CROSS JOIN language l;

COMMIT;

SELECT setval('person_id_seq', (SELECT max(id) FROM person));
SELECT setval('local_user_id_seq', (SELECT max(id) FROM local_user));
SELECT setval('community_id_seq', (SELECT max(id) FROM community));
SELECT setval('post_id_seq', (SELECT max(id) FROM post));
SELECT setval('comment_id_seq', (SELECT max(id) FROM comment));

-- The accounts the load generator acts as: as registered through the API, each has every
-- language (local_user_language), which Lemmy reads when it picks a new post's language.
CREATE UNLOGGED TABLE peer_token_user AS
  SELECT m.lid FROM peer_user_map m ORDER BY m.lid OFFSET 3 LIMIT 2000;
INSERT INTO local_user_language (local_user_id, language_id)
SELECT t.lid, l.id FROM peer_token_user t CROSS JOIN language l;

-- No rate limits (as for Plaza in this comparison) and no federation (one instance alone).
UPDATE local_site_rate_limit SET message = 1000000, message_per_second = 1, post = 1000000,
  post_per_second = 1, register = 1000000, register_per_second = 1, image = 1000000,
  image_per_second = 1, comment = 1000000, comment_per_second = 1, search = 1000000,
  search_per_second = 1;
UPDATE local_site SET federation_enabled = false;
