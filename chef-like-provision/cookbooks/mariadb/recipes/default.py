# MariaDB: the region's primary database, under supervisord.
root = Path(attr.root)
m = attr.mariadb
node.package("mariadb-server", "mariadb-client")
for d in ("mariadb", "mariadb/data", "mariadb/tmp", "mariadb/binlog"):
    node.directory(root / d)
# Per peer connection (recipe mariadb::replication): tables each region keeps for itself.
filters = "\n".join(f"{peer.region.name}.replicate-ignore-table = {m.database}.{table}"
                     for peer in node.peers() for table in m.get("replicate_ignore_tables", []))
node.template(root / "etc" / "my.cnf", "mariadb", "my.cnf", notifies=["restart:mariadb"],
              variables={"replication_filters": filters or "# (no other regions replicated here)"})
node.execute(
    "mariadb data folder initialised",
    ["mariadb-install-db", f"--defaults-file={root}/etc/my.cnf", "--user=root",
     "--auth-root-authentication-method=normal", "--skip-test-db"],
    creates=root / "mariadb" / "data" / "mysql",
)
node.program("mariadb", f"mariadbd --defaults-file={root}/etc/my.cnf --user=root", stopwaitsecs=60)
node.flush_notifications()
sock = root / "run" / "mariadb.sock"
node.wait_for("MariaDB", f"mariadb-admin --no-defaults --socket={sock} -uroot ping", 90)
db, user, password = m.database, m.user, m.password
node.execute(
    f"database {db} and user {user} created",
    ["mariadb", "--no-defaults", f"--socket={sock}", "-uroot", "-e",
     # Each region makes its own: not binlogged, so never replicated to another region.
     "SET SESSION sql_log_bin = 0; "
     f"CREATE DATABASE IF NOT EXISTS `{db}` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin; "
     f"CREATE USER IF NOT EXISTS '{user}'@'127.0.0.1' IDENTIFIED BY '{password}'; "
     f"GRANT ALL PRIVILEGES ON *.* TO '{user}'@'127.0.0.1';"],
    unless=f"mariadb --no-defaults -h127.0.0.1 -P{m.port} -u{user} -p{password} {db} -e 'SELECT 1'",
)
if "replication_user" in m:
    # The user other regions replicate this one as, made in each region without being binlogged.
    user, password = m.replication_user, m.replication_password
    node.execute(
        f"replication user {user} created",
        ["mariadb", "--no-defaults", f"--socket={sock}", "-uroot", "-e",
         "SET SESSION sql_log_bin = 0; "
         f"CREATE USER IF NOT EXISTS '{user}'@'127.0.0.1' IDENTIFIED BY '{password}'; "
         f"GRANT REPLICATION SLAVE ON *.* TO '{user}'@'127.0.0.1';"],
        unless=f"mariadb --no-defaults -h127.0.0.1 -P{m.port} -u{user} -p{password} -e 'SELECT 1'",
    )
