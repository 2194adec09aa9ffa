# Full-mesh multi-source replication with GTIDs: one named connection per other region
# (`CHANGE MASTER 'r2' TO ...`), each carrying only that region's GTID domain, starting from
# the GTIDs this region has applied (slave_pos). The replication user the others connect as is
# made by recipe mariadb (before any region starts replicating). The run waits until every channel to a region that answers runs.
import sys
import time

root = Path(attr.root)
m = attr.mariadb
sock = root / "run" / "mariadb.sock"
user, password = m.replication_user, m.replication_password


def sql(statement):
    return ["mariadb", "--no-defaults", f"--socket={sock}", "-uroot", "-e", statement]


def channels():
    """`SHOW ALL SLAVES STATUS` as {connection name: {column: value}}."""
    out = node.run(["mariadb", "--no-defaults", f"--socket={sock}", "-uroot", "-E", "-e",
                    "SHOW ALL SLAVES STATUS"]).stdout
    rows, row = {}, None
    for line in out.splitlines():
        if line.startswith("*****"):
            row = {}
            continue
        key, sep, value = line.strip().partition(": ")
        if row is not None and sep:
            row[key] = value
            if key == "Connection_name":
                rows[value] = row
    return rows


peers = node.peers()
current = channels()
for peer in peers:
    name, port, domain = peer.region.name, peer.mariadb.port, peer.region.id
    want = {"Master_Host": "127.0.0.1", "Master_Port": str(port), "Master_User": user,
            "Using_Gtid": "Slave_Pos", "Replicate_Do_Domain_Ids": str(domain)}
    have = current.get(name, {})
    differs = any(have.get(k) != v for k, v in want.items())
    if differs and not node.dry_run:
        if have:
            node.run(sql(f"STOP SLAVE '{name}'"))
        node.run(sql(
            f"CHANGE MASTER '{name}' TO MASTER_HOST='127.0.0.1', MASTER_PORT={port}, "
            f"MASTER_USER='{user}', MASTER_PASSWORD='{password}', MASTER_CONNECT_RETRY=1, "
            f"MASTER_USE_GTID=slave_pos, DO_DOMAIN_IDS=({domain}); START SLAVE '{name}'"))
    node._done(f"replication from {name} (127.0.0.1:{port}, GTID domain {domain}) configured", differs)
    stopped = not differs and "No" in (have.get("Slave_IO_Running"), have.get("Slave_SQL_Running"))
    if stopped and not node.dry_run:
        node.run(sql(f"START SLAVE '{name}'"))
    node._done(f"replication from {name} started", stopped)

# Wait until the channel from every region whose database answers runs (IO and SQL threads).
if not node.dry_run:
    deadline = time.time() + 60
    while True:
        current = channels()
        waiting = []
        for peer in peers:
            up = node.quiet(f"mariadb-admin --no-defaults -h127.0.0.1 -P{peer.mariadb.port} -u{user} "
                            f"-p{password} ping")
            row = current.get(peer.region.name, {})
            if up and (row.get("Slave_IO_Running"), row.get("Slave_SQL_Running")) != ("Yes", "Yes"):
                waiting.append((peer.region.name, row))
        if not waiting:
            break
        if time.time() > deadline:
            for name, row in waiting:
                sys.stderr.write(f"replication from {name} does not run: IO {row.get('Slave_IO_Running')}, "
                                 f"SQL {row.get('Slave_SQL_Running')}, {row.get('Last_IO_Error')} "
                                 f"{row.get('Last_SQL_Error')}\n")
            raise SystemExit(1)
        time.sleep(0.3)
