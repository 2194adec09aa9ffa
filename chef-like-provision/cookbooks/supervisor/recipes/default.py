# The supervisor every process of the region runs under (Debian's supervisor package).
root = Path(attr.root)
node.package("supervisor")
for d in ("run", "log", "supervisor", "etc"):
    node.directory(root / d)
node.template(root / "supervisord.conf", "supervisor", "supervisord.conf")
if not node.quiet(f"supervisorctl -c {root}/supervisord.conf pid"):
    node.execute("supervisord started", ["supervisord", "-c", str(root / "supervisord.conf")])
    node.wait_for("supervisord", f"supervisorctl -c {root}/supervisord.conf pid", 20)
