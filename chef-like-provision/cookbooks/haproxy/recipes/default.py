# HAProxy: the region's load balancer in front of each service's processes.
root = Path(attr.root)
p = attr.plaza
node.package("haproxy")


def servers(name, ports):
    lines = [f"    server {name}{i + 1} 127.0.0.1:{port}" for i, port in enumerate(ports)]
    # A service with one process gets a stand-in for rolling restarts (bin/rolling-restart starts
    # it only while that process restarts): a backup server takes traffic only when no other is up.
    surge = p.get("surge_ports", {}).get(name)
    if surge and len(ports) == 1:
        lines.append(f"    server {name}-surge 127.0.0.1:{surge} backup")
    return "\n".join(lines)


node.template(
    root / "etc" / "haproxy.cfg", "haproxy", "haproxy.cfg",
    variables={"servers": {"web": servers("web", p.web_ports), "timeline": servers("timeline", p.timeline_ports),
                           "empathy": servers("empathy", p.empathy_ports),
                           "notification": servers("notification", p.notification_ports)}},
    notifies=["signal:haproxy:USR2"],
)
node.run(["haproxy", "-c", "-q", "-f", str(root / "etc" / "haproxy.cfg")])
node.program("haproxy", f"haproxy -W -db -f {root}/etc/haproxy.cfg", stopsignal="USR1")
node.flush_notifications()
node.wait_for("HAProxy", f"curl -sf http://127.0.0.1:{attr.haproxy.web_port}/readyz", 60)
