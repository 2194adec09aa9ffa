"""Draining and restarting a region's Plaza processes one at a time, each back in HAProxy's
rotation before the next goes (bin/rolling-restart; deploy commands build on these).

A Plaza process drains itself on SIGTERM: /readyz answers 503 for its drain period (HAProxy takes
it out of rotation), then it closes its listener, finishes requests and jobs in flight and exits.
So draining one is `supervisorctl stop` (or `restart`); this module adds what goes around it,
through HAProxy's admin socket (`chef_like.HaproxyAdmin`, the converge's and bin/release's way
too): the process is drained in HAProxy first (no new requests, those in flight finish), a
service's stand-in (its `-surge` program, HAProxy's backup server) serves while its only process
restarts, and the process is back in rotation (HAProxy counts it UP) before the next one goes."""
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import chef_like

SERVICES = ("web", "timeline", "empathy", "notification")


def processes(attr):
    """Every Plaza program of the node as (program, service, port), request-serving ones first;
    `service` is None for the workers (HAProxy does not balance them)."""
    p = attr.plaza
    out = []
    for service in SERVICES:
        for i, port in enumerate(p.get(f"{service}_ports", [])):
            out.append((f"{service}{i + 1}", service, port))
    for i, port in enumerate(p.get("worker_ports", [])):
        out.append((f"worker{i + 1}", None, port))
    return out


def ctl(attr, *args):
    """supervisorctl on the node's supervisord; its output."""
    conf = Path(attr.root) / "supervisord.conf"
    done = subprocess.run(["supervisorctl", "-c", str(conf), *args], capture_output=True, text=True)
    return done.stdout + done.stderr


def answers(url):
    try:
        with urllib.request.urlopen(url, timeout=2) as r:
            return r.status == 200
    except OSError:
        return False


def wait(what, check, seconds=90):
    deadline = time.time() + seconds
    while time.time() < deadline:
        if check():
            return
        time.sleep(0.25)
    sys.stderr.write(f"{what} within {seconds}s: giving up\n")
    raise SystemExit(1)


def wait_serving(program, port):
    """Until the process answers /readyz itself."""
    wait(f"{program} ready on {port}", lambda: answers(f"http://127.0.0.1:{port}/readyz"))


def surge_for(attr, service):
    """The stand-in of a service with one process, when the node has one: (program, port)."""
    p = attr.plaza
    port = p.get("surge_ports", {}).get(service) if service else None
    if port and len(p.get(f"{service}_ports", [])) == 1:
        return f"{service}-surge", port
    return None


def restart(attr, program, service, port, say=print):
    """Drains and restarts one process and waits until it serves (and, behind HAProxy, is back in
    rotation). A service's only process is covered by its stand-in meanwhile."""
    lb = chef_like.HaproxyAdmin.of(attr.root)
    surge = surge_for(attr, service)
    if surge:
        name, surge_port = surge
        say(f"  {name}: starting the stand-in for {program}")
        if "ERROR" in ctl(attr, "start", name):
            sys.stderr.write(f"{name} did not start\n")
            raise SystemExit(1)
        wait_serving(name, surge_port)
        lb.wait_up([f"{service}/{name}"])
    say(f"  {program}: draining and restarting")
    drained = lb.drain([f"{service}/{program}"]) if service else []
    out = ctl(attr, "restart", program)
    if "started" not in out:
        sys.stderr.write(f"{program} did not restart: {out}\n")
        raise SystemExit(1)
    wait_serving(program, port)
    lb.resume(drained)
    if surge:
        say(f"  {surge[0]}: stopping the stand-in")
        ctl(attr, "stop", surge[0])
    say(f"  {program}: back" + (" in HAProxy's rotation" if service else ""))


def rolling_restart(attr, only=None, say=print):
    """Restarts every Plaza process of the node (or those named in `only`), one at a time."""
    chosen = [(prog, svc, port) for prog, svc, port in processes(attr) if not only or prog in only]
    for program, service, port in chosen:
        restart(attr, program, service, port, say=say)
    return [program for program, _, _ in chosen]
