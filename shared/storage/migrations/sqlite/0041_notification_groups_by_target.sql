-- notification: a deleted account's posts and comments take the notifications about them
-- (a thread's comments, Yeahs) out of everyone's list: find those groups by their target.
CREATE INDEX notification_groups_by_target ON notification_groups (target_id, kind);
