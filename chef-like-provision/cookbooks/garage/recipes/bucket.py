# Garage's media bucket, Plaza's access key on it and the edge's website access, once the
# node's (or the cluster's) layout is applied: included by garage::default (one region) and by
# garage::cluster (one cluster across regions).
import shutil

root = Path(attr.root)
g = attr.garage
garage = shutil.which("garage") or str(Path.home() / ".cargo" / "bin" / "garage")
cli = f"{garage} -c {root}/etc/garage.toml"
node.execute(f"bucket {g.bucket} created", f"{cli} bucket create {g.bucket}",
             unless=f"{cli} bucket info {g.bucket}")
node.execute("access key imported", f"{cli} key import --yes -n plaza {g.key_id} {g.secret}",
             unless=f"{cli} key info {g.key_id}")
node.execute(f"key allowed on {g.bucket}",
             f"{cli} bucket allow --read --write --owner {g.bucket} --key {g.key_id} && "
             f"{cli} key allow --create-bucket {g.key_id}",
             unless=f"{cli} bucket info {g.bucket} | grep -q 'RWO.*{g.key_id}'")
node.execute(f"website access on {g.bucket}", f"{cli} bucket website --allow {g.bucket}",
             unless=f"{cli} bucket info {g.bucket} | grep -qiE 'website access: +true'")
