# Prometheus for the region: Debian's prometheus package (and its node exporter, for the disk of
# the data folders), configured to scrape every Plaza process of the region from the node's port
# lists, with Plaza's alert rules, run under the region's supervisord (not Debian's service),
# its data under the region's root. A changed configuration or rule file is checked with
# promtool and reloaded (SIGHUP); nothing restarts.
import os

root = Path(attr.root).resolve()
p = attr.plaza
m = attr.prometheus
node.package("prometheus", "prometheus-node-exporter")
node.directory(root / "prometheus")
node.directory(root / "etc" / "prometheus")

# One scrape group per service, each process a target labelled with its service.
services = ["web", "timeline", "empathy", "notification", "worker"]
groups = []
for service in services:
    targets = ", ".join(f"'127.0.0.1:{port}'" for port in p[f"{service}_ports"])
    groups.append(f"      - targets: [{targets}]\n        labels: {{service: {service}}}")


def mountpoint(path):
    """The mount point the folder lives on (what the node exporter reports disk space for)."""
    path = Path(path).resolve()
    while not os.path.ismount(path):
        path = path.parent
    return str(path)


config = root / "etc" / "prometheus" / "prometheus.yml"
rules = root / "etc" / "prometheus" / "plaza.rules.yml"
node.template(rules, "prometheus", "plaza.rules.yml",
              variables={"data_mountpoint": mountpoint(root)}, notifies=["signal:prometheus:HUP"])
# The rules' own tests (promtool test rules), beside them: scripts/region.sh test runs them.
node.template(root / "etc" / "prometheus" / "plaza.rules.test.yml", "prometheus", "plaza.rules.test.yml",
              variables={"data_mountpoint": mountpoint(root)})
node.template(config, "prometheus", "prometheus.yml",
              variables={"plaza_targets": "\n".join(groups), "rules_file": str(rules)},
              notifies=["signal:prometheus:HUP"])
if not node.dry_run:
    node.run(["promtool", "check", "config", str(config)])
node.program(
    "node_exporter",
    f"prometheus-node-exporter --web.listen-address=127.0.0.1:{m.node_exporter_port} "
    "--collector.disable-defaults --collector.filesystem",
)
node.program(
    "prometheus",
    f"prometheus --config.file={config} --storage.tsdb.path={root}/prometheus "
    f"--storage.tsdb.retention.time={m.retention} --web.listen-address=127.0.0.1:{m.port}",
    stopwaitsecs=30,
)
node.flush_notifications()
node.wait_for("Prometheus", f"curl -sf http://127.0.0.1:{m.port}/-/ready", 60)
