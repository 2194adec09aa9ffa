# MariaDB: the region's primary database, under supervisord.
root = Path(attr.root)
m = attr.mariadb
node.package("mariadb-server", "mariadb-client")
for d in ("mariadb", "mariadb/data", "mariadb/tmp", "mariadb/binlog"):
    node.directory(root / d)
node.template(root / "etc" / "my.cnf", "mariadb", "my.cnf", notifies=["restart:mariadb"])
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
     f"CREATE DATABASE IF NOT EXISTS `{db}` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin; "
     f"CREATE USER IF NOT EXISTS '{user}'@'127.0.0.1' IDENTIFIED BY '{password}'; "
     f"GRANT ALL PRIVILEGES ON *.* TO '{user}'@'127.0.0.1';"],
    unless=f"mariadb --no-defaults -h127.0.0.1 -P{m.port} -u{user} -p{password} {db} -e 'SELECT 1'",
)
