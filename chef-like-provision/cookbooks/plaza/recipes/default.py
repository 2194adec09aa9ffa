# Plaza's binary and configuration, and the database schema (migrations run once here, before
# any process starts).
import secrets

import chef_like

root = Path(attr.root)
p = attr.plaza
repo = Path(attr.repo)
binary = Path(p.binary) if Path(p.binary).is_absolute() else repo / p.binary
node.directory(root / "plaza")
if p.build:
    before = binary.exists() and chef_like.file_digest(binary)
    node.run(["cargo", "build", "--locked", "-p", "plaza"] + (["--release"] if "release" in str(binary) else []),
             cwd=str(repo))
    node._done(f"plaza built ({binary})", before != chef_like.file_digest(binary))
# The secret Plaza's services show each other on every internal call: made once, kept.
secret_file = root / "etc" / "plaza.internal_secret"
if not secret_file.exists():
    node.file(secret_file, secrets.token_hex(32) + "\n", mode=0o600)
# A dry run writes no file: the rendering then shows a placeholder.
internal_secret = secret_file.read_text().strip() if secret_file.exists() else "(made on the first converge)"
node.template(root / "etc" / "plaza.toml", "plaza", "plaza.toml", mode=0o600,
              variables={"internal_secret": internal_secret})
migrations = len(list((repo / "shared/storage/migrations/mysql").glob("*.sql")))
m = attr.mariadb
node.execute(
    "database migrated",
    [str(binary), "--config", str(root / "etc" / "plaza.toml"), "migrate"],
    unless=(f"test \"$(mariadb --no-defaults -N -h127.0.0.1 -P{m.port} -u{m.user} -p{m.password} {m.database} "
            f"-e 'SELECT COUNT(*) FROM _sqlx_migrations WHERE success = 1')\" = {migrations}"),
)
