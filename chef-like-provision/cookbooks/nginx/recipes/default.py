# nginx: the region's edge (TLS with a self-signed certificate here, static files, media cache).
root = Path(attr.root)
n = attr.nginx
node.package("nginx", "openssl")
for d in ("nginx", "nginx/media-cache", "nginx/body", "nginx/proxy", "nginx/fastcgi", "nginx/uwsgi", "nginx/scgi"):
    node.directory(root / d)
node.execute("nginx may write its cache", f"chown -R www-data {root}/nginx",
             unless=f"test \"$(stat -c %U {root}/nginx/media-cache)\" = www-data")
node.execute(
    "self-signed TLS certificate made",
    ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "825",
     "-keyout", str(root / "etc" / "edge.key"), "-out", str(root / "etc" / "edge.crt"),
     "-subj", f"/CN={n.server_name}", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
     # A server certificate, not a CA: TLS clients refuse a CA certificate used as a server's.
     "-addext", "basicConstraints=critical,CA:FALSE", "-addext", "keyUsage=digitalSignature,keyEncipherment",
     "-addext", "extendedKeyUsage=serverAuth"],
    creates=root / "etc" / "edge.crt",
)
node.file(root / "etc" / "edge.key", (root / "etc" / "edge.key").read_text(), mode=0o600)
if node.template(root / "etc" / "nginx.conf", "nginx", "nginx.conf", notifies=["signal:nginx:HUP"]):
    # A broken configuration stops the converge here, before nginx is asked to load it.
    node.run(["nginx", "-t", "-q", "-c", str(root / "etc" / "nginx.conf")])
node.program("nginx", f"nginx -c {root}/etc/nginx.conf", stopsignal="QUIT")
node.flush_notifications()
node.wait_for("nginx", f"curl -skf https://127.0.0.1:{n.https_port}/healthz", 60)
