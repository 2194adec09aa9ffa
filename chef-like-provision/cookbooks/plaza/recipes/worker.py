# The job workers: they claim jobs from the MariaDB queue (FOR UPDATE SKIP LOCKED), so any
# number may run at once.
import chef_like

root = Path(attr.root)
p = attr.plaza
binary = node.plaza_binary  # built (or installed) by recipe plaza
# A new binary or configuration changes the program files, so exactly these processes restart.
# While bin/release has deployed a preview, the preview track has its own workers too.
config = root / "etc" / "plaza.toml"
tracks = [("stable", binary, "", p.worker_ports, 24)]
if node.preview_binary:
    tracks.append(("preview", node.preview_binary, "-preview", p.preview.worker_ports, 28))
for track, track_binary, suffix, ports, first_node in tracks:
    build = chef_like.file_digest(track_binary)
    identity = f"binary {build}, config {chef_like.file_digest(config)}"
    for i, port in enumerate(ports):
        environment = {"PLAZA_NODE": first_node + i, "PLAZA_WORKER__LISTEN": f"127.0.0.1:{port}",
                       "RUST_LOG": p.log, "PLAZA_RELEASE__TRACK": track, "PLAZA_RELEASE__BUILD": build}
        if track == "preview":
            environment.update(p.preview.get("environment", {}))
        node.program(
            f"worker{suffix}{i + 1}",
            f"{track_binary} --config {config} serve --service worker",
            environment=environment,
            stopwaitsecs=node.plaza_stop_wait,
            identity=identity,
            ready=f"curl -sf http://127.0.0.1:{port}/healthz",
        )
if not node.preview_binary:
    for i in range(len(p.preview.worker_ports)):
        node.program_absent(f"worker-preview{i + 1}")
node.flush_notifications()
for _, _, _, ports, _ in tracks:
    for port in ports:
        node.wait_for(f"worker on {port}", f"curl -sf http://127.0.0.1:{port}/healthz", 60)
