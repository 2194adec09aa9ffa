# The request-serving processes: several per service, each on its own port and node number,
# under supervisord. Node numbers (0-31) keep ids unique across the region's processes.
import shlex

import chef_like

root = Path(attr.root)
p = attr.plaza
binary = node.plaza_binary  # built (or installed) by recipe plaza
# A new binary or configuration changes the program files (the identity below), so exactly
# these processes restart.
config = root / "etc" / "plaza.toml"
# Among several regions: first catch up with what the others wrote so far (the default
# communities the first region's web service made, say), so this region's web service finds
# them instead of making its own.
m = attr.mariadb
for peer in node.peers():
    pm = peer.mariadb
    asked = node.run(["mariadb", "--no-defaults", "-N", "-h127.0.0.1", f"-P{pm.port}", f"-u{pm.user}",
                      f"-p{pm.password}", "-e", "SELECT @@gtid_binlog_pos"], check=False)
    theirs = ",".join(g for g in asked.stdout.strip().split(",") if g.startswith(f"{peer.region.id}-"))
    if asked.returncode == 0 and theirs:
        wait = shlex.quote(f"SELECT MASTER_GTID_WAIT('{theirs}', 1)")
        node.wait_for(f"what {peer.region.name} wrote ({theirs})",
                      f"test \"$(mariadb --no-defaults -N -h127.0.0.1 -P{m.port} -u{m.user} -p{m.password} "
                      f"-e {wait})\" = 0", 60)
services = [("web", p.web_ports, 1), ("timeline", p.timeline_ports, 8),
            ("empathy", p.empathy_ports, 14), ("notification", p.notification_ports, 18)]
# The preview track (blue/green) while bin/release has deployed one: its own processes (node
# numbers 6, 12, 16, 20 on) running the preview binary, behind HAProxy's `<service>_preview`
# backends. Otherwise no preview process exists.
pv = p.preview
preview_services = [("web", pv.web_ports, 6), ("timeline", pv.timeline_ports, 12),
                    ("empathy", pv.empathy_ports, 16), ("notification", pv.notification_ports, 20)]
tracks = [("stable", binary, "", services)]
if node.preview_binary:
    tracks.append(("preview", node.preview_binary, "-preview", preview_services))
for track, track_binary, suffix, declared in tracks:
    build = chef_like.file_digest(track_binary)
    identity = f"binary {build}, config {chef_like.file_digest(config)}"
    for service, ports, first_node in declared:
        for i, port in enumerate(ports):
            name = f"{service}{suffix}{i + 1}"
            environment = {"PLAZA_NODE": first_node + i, f"PLAZA_{service.upper()}__LISTEN": f"127.0.0.1:{port}",
                           "RUST_LOG": p.log, "PLAZA_RELEASE__TRACK": track, "PLAZA_RELEASE__BUILD": build}
            if track == "preview":
                environment.update(pv.get("environment", {}))
            node.program(
                name,
                f"{track_binary} --config {config} serve --service {service}",
                environment=environment,
                stopwaitsecs=node.plaza_stop_wait,
                identity=identity,
                ready=f"curl -sf http://127.0.0.1:{port}/readyz",
                # Its server in HAProxy (the stable or the preview backend).
                drain=[f"{service}{'_preview' if track == 'preview' else ''}/{name}"],
            )
        # A service with one process gets a stand-in that bin/rolling-restart runs (as HAProxy's
        # backup server) only while that process restarts, so the service never has none.
        surge = p.get("surge_ports", {}).get(service)
        if track == "stable" and surge and len(ports) == 1:
            node.program(
                f"{service}-surge",
                f"{track_binary} --config {config} serve --service {service}",
                environment={"PLAZA_NODE": first_node + 1, f"PLAZA_{service.upper()}__LISTEN": f"127.0.0.1:{surge}",
                             "RUST_LOG": p.log, "PLAZA_RELEASE__TRACK": track, "PLAZA_RELEASE__BUILD": build},
                stopwaitsecs=node.plaza_stop_wait,
                identity=identity,
                autostart=False,
            )
if not node.preview_binary:
    for service, ports, _ in preview_services:
        for i in range(len(ports)):
            node.program_absent(f"{service}-preview{i + 1}")
node.flush_notifications()
for _, _, _, declared in tracks:
    for service, ports, _ in declared:
        for port in ports:
            node.wait_for(f"{service} on {port}", f"curl -sf http://127.0.0.1:{port}/healthz", 60)
