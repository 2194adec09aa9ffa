# HAProxy: the region's load balancer in front of each service's processes.
root = Path(attr.root)
p = attr.plaza
node.package("haproxy")


def servers(name, ports, track=None):
    """A backend's server lines; with `track` (a backend), each server takes its state from its
    namesake there instead of running checks of its own."""
    extra = (lambda i: f" no-check track {track}/{name}{i + 1}") if track else (lambda i: "")
    return "\n".join(f"    server {name}{i + 1} 127.0.0.1:{port}{extra(i)}" for i, port in enumerate(ports))


node.template(
    root / "etc" / "haproxy.cfg", "haproxy", "haproxy.cfg",
    variables={"servers": {"web": servers("web", p.web_ports),
                           "web_console": servers("web", p.web_ports, track="web"),
                           "timeline": servers("timeline", p.timeline_ports),
                           "empathy": servers("empathy", p.empathy_ports),
                           "notification": servers("notification", p.notification_ports)}},
    notifies=["signal:haproxy:USR2"],
)
node.run(["haproxy", "-c", "-q", "-f", str(root / "etc" / "haproxy.cfg")])
node.program("haproxy", f"haproxy -W -db -f {root}/etc/haproxy.cfg", stopsignal="USR1")
node.flush_notifications()
node.wait_for("HAProxy", f"curl -sf http://127.0.0.1:{attr.haproxy.web_port}/readyz", 60)
