# The job workers: they claim jobs from the MariaDB queue (FOR UPDATE SKIP LOCKED), so any
# number may run at once.
import chef_like

root = Path(attr.root)
p = attr.plaza
binary = node.plaza_binary  # built (or installed) by recipe plaza
# A new binary or configuration changes the program files, so exactly these processes restart.
identity = f"binary {chef_like.file_digest(binary)}, config {chef_like.file_digest(root / 'etc' / 'plaza.toml')}"
for i, port in enumerate(p.worker_ports):
    node.program(
        f"worker{i + 1}",
        f"{binary} --config {root}/etc/plaza.toml serve --service worker",
        environment={"PLAZA_NODE": 24 + i, "PLAZA_WORKER__LISTEN": f"127.0.0.1:{port}", "RUST_LOG": p.log},
        stopwaitsecs=node.plaza_stop_wait,
        identity=identity,
        ready=f"curl -sf http://127.0.0.1:{port}/healthz",
    )
node.flush_notifications()
for port in p.worker_ports:
    node.wait_for(f"worker on {port}", f"curl -sf http://127.0.0.1:{port}/healthz", 60)
