# The request-serving processes: several per service, each on its own port and node number,
# under supervisord. Node numbers (0-31) keep ids unique across the region's processes.
import chef_like

root = Path(attr.root)
p = attr.plaza
repo = Path(attr.repo)
binary = Path(p.binary) if Path(p.binary).is_absolute() else repo / p.binary
# A new binary or configuration changes the program files, so exactly these processes restart.
identity = f"binary {chef_like.file_digest(binary)}, config {chef_like.file_digest(root / 'etc' / 'plaza.toml')}"
config = root / "etc" / "plaza.toml"
services = [("web", p.web_ports, 1), ("timeline", p.timeline_ports, 8),
            ("empathy", p.empathy_ports, 14), ("notification", p.notification_ports, 18)]
for service, ports, first_node in services:
    for i, port in enumerate(ports):
        node.program(
            f"{service}{i + 1}",
            f"{binary} --config {config} serve --service {service}",
            environment={"PLAZA_NODE": first_node + i, f"PLAZA_{service.upper()}__LISTEN": f"127.0.0.1:{port}",
                         "RUST_LOG": p.log},
            stopwaitsecs=35,
            identity=identity,
            ready=f"curl -sf http://127.0.0.1:{port}/readyz",
        )
node.flush_notifications()
for service, ports, _ in services:
    for port in ports:
        node.wait_for(f"{service} on {port}", f"curl -sf http://127.0.0.1:{port}/healthz", 60)
