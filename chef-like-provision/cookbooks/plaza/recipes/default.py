# Plaza's binary and configuration, and the database schema (migrations run once here, before
# any process starts).
import json
import secrets
import sys

import chef_like

root = Path(attr.root)
p = attr.plaza
repo = Path(attr.repo)
if "profile" in p:
    # Built with `profile` (release or debug) wherever cargo puts its target folder.
    profile = "dev" if p.profile in ("debug", "dev") else p.profile
    meta = json.loads(node.run(["cargo", "metadata", "--format-version", "1", "--no-deps"], cwd=str(repo)).stdout)
    built = Path(meta["target_directory"]) / ("debug" if profile == "dev" else profile) / "plaza"
else:
    built = Path(p.binary) if Path(p.binary).is_absolute() else repo / p.binary
    profile = "release" if "release" in str(built) else "dev"
node.directory(root / "plaza")


def build():
    node.run(["cargo", "build", "--locked", "-p", "plaza", "--profile", profile], cwd=str(repo))


# Built once per run of the engine (converge-regions converges several nodes of one checkout).
if p.build and (str(built), profile) not in chef_like.BUILT:
    chef_like.BUILT.add((str(built), profile))
    before = built.exists() and chef_like.file_digest(built)
    build()
    node._done(f"plaza built ({built})", before != chef_like.file_digest(built))
# With `install_to`, processes run a copy: a later build in the target folder does not replace
# the binary under them (they change only when a converge installs a new copy).
if "install_to" in p and p.get("keep_installed") and (
        Path(p.install_to) if Path(p.install_to).is_absolute() else repo / p.install_to).exists():
    # bin/release swaps the installed binary itself (promote, roll back): keep what it installed.
    binary = Path(p.install_to) if Path(p.install_to).is_absolute() else repo / p.install_to
elif "install_to" in p:
    binary = Path(p.install_to) if Path(p.install_to).is_absolute() else repo / p.install_to
    before = binary.exists() and chef_like.file_digest(binary)
    for _ in range(5):
        if binary in chef_like.BUILT:
            break  # installed (and checked) earlier in this run
        node.install(built, binary, count=False)
        # A target folder shared with other checkouts may get their build between ours and the
        # copy: building again puts this checkout's binary back, and the copy must match it.
        if not p.build or node.dry_run:
            break
        build()
        if chef_like.file_digest(built) == chef_like.file_digest(binary):
            chef_like.BUILT.add(binary)
            break
    else:
        sys.stderr.write(f"{built} keeps changing (another checkout building into the same target folder)\n")
        raise SystemExit(1)
    node._done(f"file[{binary}] installed from {built}", before != chef_like.file_digest(binary))
else:
    binary = built
node.plaza_binary = binary  # what recipes plaza::app and plaza::worker run
# The preview track runs while bin/release has deployed a preview binary (blue/green).
preview = root / "bin" / "plaza-preview"
node.preview_binary = preview if preview.exists() else None
# The secret Plaza's services show each other on every internal call: made once, kept.
secret_file = root / "etc" / "plaza.internal_secret"
if not secret_file.exists():
    node.file(secret_file, secrets.token_hex(32) + "\n", mode=0o600)
# The secret signing staff's preview cookies (the web service signs, HAProxy verifies).
preview_secret_file = root / "etc" / "plaza.preview_secret"
if not preview_secret_file.exists():
    node.file(preview_secret_file, secrets.token_hex(32) + "\n", mode=0o600)
# A dry run writes no file: the rendering then shows a placeholder.
internal_secret = secret_file.read_text().strip() if secret_file.exists() else "(made on the first converge)"
preview_secret = (preview_secret_file.read_text().strip() if preview_secret_file.exists()
                  else "(made on the first converge, 32 characters at least)")
# The other regions (attribute `mesh`): writes of accounts homed there are forwarded to their web
# service, signed with a secret every region on this machine shares (made once, by the first
# region converged, in the file `mesh.forward_secret_file` names).
peers_block = ""
mesh = attr.get("mesh", {})
if mesh.get("forward_secret_file"):
    shared = Path(mesh["forward_secret_file"])
    shared = shared if shared.is_absolute() else repo / shared
    if not shared.exists():
        node.file(shared, secrets.token_hex(32) + "\n", mode=0o600)
    forward_secret = shared.read_text().strip() if shared.exists() else "(made on the first converge)"
    lines = ["[peers]", f'forward_secret = "{forward_secret}"',
             f"connect_timeout_ms = {mesh.get('connect_timeout_ms', 1000)}",
             f"timeout_ms = {mesh.get('timeout_ms', 10000)}", "", "[peers.web]"]
    for peer in node.peers():
        lines.append(f'"{peer.region.id}" = "http://127.0.0.1:{peer.haproxy.web_port}"')
    peers_block = "\n".join(lines) + "\n"
# Shutdown timing: a stopping process answers /readyz 503 for the drain period before it closes
# its listener, long enough for HAProxy to take it out of rotation (a check every inter, out
# after fall failures, plus one interval for the check in progress); then requests and jobs in
# flight get their grace. supervisord waits for all of it before it would SIGKILL.
h = attr.get("haproxy", {})
drain_secs = -(-int(h.get("check_inter_ms", 1000)) * (int(h.get("check_fall", 2)) + 1) // 1000) + 1
grace_secs = int(p.get("shutdown_grace_secs", 10))
node.plaza_stop_wait = drain_secs + 3 * grace_secs + 5  # callers, their jobs, then the called
node.template(root / "etc" / "plaza.toml", "plaza", "plaza.toml", mode=0o600,
              variables={"internal_secret": internal_secret, "preview_secret": preview_secret,
                         "peers_block": peers_block,
                         "shutdown": {"drain_secs": drain_secs, "grace_secs": grace_secs}})
migrations = len(list((repo / "shared/storage/migrations/mysql").glob("*.sql")))
m = attr.mariadb
node.execute(
    "database migrated",
    [str(binary), "--config", str(root / "etc" / "plaza.toml"), "migrate"],
    unless=(f"test \"$(mariadb --no-defaults -N -h127.0.0.1 -P{m.port} -u{m.user} -p{m.password} {m.database} "
            f"-e 'SELECT COUNT(*) FROM _sqlx_migrations WHERE success = 1')\" = {migrations}"),
)
