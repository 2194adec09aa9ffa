# memcached: the region's object cache, under supervisord.
c = attr.memcached
node.package("memcached")
node.program("memcached", f"memcached -l 127.0.0.1 -p {c.port} -U 0 -m {c.memory_mb} -c 4096 -u root")
