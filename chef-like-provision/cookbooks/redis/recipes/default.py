# Redis: shared rate limits, live notification fan-out and rankings, under supervisord.
root = Path(attr.root)
node.package("redis-server")
node.directory(root / "redis")
node.template(root / "etc" / "redis.conf", "redis", "redis.conf", notifies=["restart:redis"])
node.program("redis", f"redis-server {root}/etc/redis.conf")
