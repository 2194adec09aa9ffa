# HAProxy: the region's load balancer in front of each service's processes.
root = Path(attr.root)
p = attr.plaza
node.package("haproxy")


import base64

pv = p.preview


def servers(name, ports, preview_ports):
    # The preview processes are listed in the stable backend too, in maintenance: bin/release
    # puts them in rotation through the admin socket while it promotes (so a service with one
    # stable process keeps a server while that one restarts), and back out after. Releases
    # never change this file, so they never reload HAProxy.
    lines = [f"    server {name}{i + 1} 127.0.0.1:{port}" for i, port in enumerate(ports)]
    lines += [f"    server {name}-preview{i + 1} 127.0.0.1:{port} disabled" for i, port in enumerate(preview_ports)]
    # A service with one process gets a stand-in for rolling restarts (bin/rolling-restart starts
    # it only while that process restarts): a backup server takes traffic only when no other is up.
    surge = p.get("surge_ports", {}).get(name)
    if surge and len(ports) == 1:
        lines.append(f"    server {name}-surge 127.0.0.1:{surge} backup")
    return "\n".join(lines)


def console_servers(ports):
    # The console protocol's backend: the same stable web processes, each taking its state from
    # its namesake in `web` instead of running checks of its own.
    return "\n".join(f"    server web{i + 1} 127.0.0.1:{port} no-check track web/web{i + 1}" for i, port in enumerate(ports))


def preview_servers(name, ports):
    # Health-checked like the others: with no preview process up (none deployed), the backend
    # has no server and preview requests fall back to stable.
    return "\n".join(f"    server {name}-preview{i + 1} 127.0.0.1:{port}" for i, port in enumerate(ports))


names = ("web", "timeline", "empathy", "notification")
# Staff's preview cookie is verified with the secret the web service signs it with (HAProxy's
# hmac converter takes its key base64-encoded).
secret_file = root / "etc" / "plaza.preview_secret"
secret = secret_file.read_text().strip() if secret_file.exists() else "not-made-yet-so-nothing-verifies!"
node.template(
    root / "etc" / "haproxy.cfg", "haproxy", "haproxy.cfg", mode=0o600,
    variables={"servers": {**{n: servers(n, p[f"{n}_ports"], pv[f"{n}_ports"]) for n in names},
                           "web_console": console_servers(p.web_ports)},
               "preview_servers": {n: preview_servers(n, pv[f"{n}_ports"]) for n in names},
               "preview_key": base64.b64encode(secret.encode()).decode()},
    notifies=["reload:haproxy"],
)
node.run(["haproxy", "-c", "-q", "-f", str(root / "etc" / "haproxy.cfg")])
node.program("haproxy", f"haproxy -W -db -f {root}/etc/haproxy.cfg", stopsignal="USR1")
node.flush_notifications()
node.wait_for("HAProxy", f"curl -sf http://127.0.0.1:{attr.haproxy.web_port}/readyz", 60)
