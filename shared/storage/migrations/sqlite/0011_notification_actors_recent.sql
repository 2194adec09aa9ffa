-- A group names the two actors who acted last: read them from an index, not a scan of a
-- Yeah storm's thousands of actors.
CREATE INDEX notification_actors_recent ON notification_actors (group_id, created_at, actor_id);
