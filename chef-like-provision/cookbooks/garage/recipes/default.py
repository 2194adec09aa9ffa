# Garage: the region's S3 store (installed with `cargo install garage --locked`), with one
# bucket for media, an access key for Plaza and website access for the edge.
import secrets
import shutil

root = Path(attr.root)
g = attr.garage
garage = shutil.which("garage") or str(Path.home() / ".cargo" / "bin" / "garage")
node.execute("garage installed (cargo install garage --locked)",
             ["cargo", "install", "garage", "--locked"], creates=garage)
for d in ("garage", "garage/meta", "garage/data"):
    node.directory(root / d)
secret_file = root / "etc" / "garage.rpc_secret"
if "rpc_secret" in g:
    # One cluster across regions: every node shows the others the same secret.
    node.file(secret_file, g.rpc_secret + "\n", mode=0o600)
elif not secret_file.exists():
    node.file(secret_file, secrets.token_hex(32) + "\n", mode=0o600)
node.template(root / "etc" / "garage.toml", "garage", "garage.toml", notifies=["restart:garage"])
node.program("garage", f"{garage} -c {root}/etc/garage.toml server", environment={"RUST_LOG": "garage=warn"})
node.flush_notifications()
cli = f"{garage} -c {root}/etc/garage.toml"
node.wait_for("Garage", f"{cli} status", 60)
# A node of a cluster across regions (attribute garage.zone) is laid out, and gets its bucket
# and key, in recipe garage::cluster once every region's node is up.
if "zone" not in g:
    node_id = node.run(f"{cli} node id -q").stdout.strip().split("@")[0]
    node.execute("garage layout assigned", f"{cli} layout assign -z local -c {g.capacity} {node_id[:16]}",
                 unless=f"{cli} layout show | grep -q '{node_id[:16]}'")
    node.execute("garage layout applied", f"{cli} layout apply --version 1",
                 unless=f"{cli} layout show | grep -qi 'current cluster layout version: [1-9]'")
    node.wait_for("the Garage layout", f"{cli} bucket list", 30)
    node.include_recipe("garage::bucket")
