# Garage as one cluster across regions: each region's node is connected to the others and laid
# out in its own zone (the region), with a replication factor of 3 so that every zone holds every
# object; the media bucket, Plaza's key and the edge's website access are the cluster's, shared
# by every region. Each region's Plaza and edge talk to their own region's node.
import re
import shutil

root = Path(attr.root)
g = attr.garage
garage = shutil.which("garage") or str(Path.home() / ".cargo" / "bin" / "garage")
cli = f"{garage} -c {root}/etc/garage.toml"


def node_id(config_root):
    """`<id>@<address>` of the node configured under `config_root`, or None when it is down."""
    out = node.run(f"{garage} -c {config_root}/etc/garage.toml node id -q", check=False)
    return out.stdout.strip() if out.returncode == 0 and "@" in out.stdout else None


members = [(attr.region.name, g.zone, node_id(root))]
for peer in node.peers():
    members.append((peer.region.name, peer.garage.zone, node_id(peer.root)))
for name, _, full_id in members[1:]:
    if full_id is None:
        print(f"  (Garage of {name} is down: not connected now)", flush=True)
        continue
    node.execute(f"garage connected to {name}'s node", f"{cli} node connect {full_id}",
                 # Only the HEALTHY NODES section counts: a node Garage knows but has lost is
                 # listed under FAILED NODES, and must be connected again.
                 unless=f"{cli} status | awk '/HEALTHY NODES/{{f=1;next}} /====/{{f=0}} f' "
                        f"| grep -q '{full_id[:16]}'")
# Every node that answers gets its zone; the layout is applied once it holds them all.
layout = node.run(f"{cli} layout show", check=False).stdout
for name, zone, full_id in members:
    if full_id is None:
        continue
    short = full_id[:16]
    assigned = re.search(rf"^\s*{short}\S*\s.*\b{re.escape(zone)}\b", layout, re.M)
    node.execute(f"garage node of {name} laid out in zone {zone}",
                 f"{cli} layout assign -z {zone} -c {g.capacity} {short}",
                 unless="false" if not assigned else "true")
layout = node.run(f"{cli} layout show", check=False).stdout
staged = re.search(r"staged role changes", layout, re.I) is not None
current = re.search(r"current cluster layout version:\s*(\d+)", layout, re.I)
version = int(current.group(1)) if current else 0
node.execute("garage layout applied", f"{cli} layout apply --version {version + 1}",
             unless="false" if staged else "true")
node.wait_for("the Garage layout", f"{cli} bucket list", 30)
node.include_recipe("garage::bucket")
