"""A small Chef-like converge engine: nodes name roles, roles name cookbook recipes and default
attributes, recipes declare resources (packages, directories, templates, commands with guards,
supervised programs). Converging makes the machine match the declarations and changes only what
differs, so a second run changes nothing and restarts nothing.

Only the Python standard library is used, so a bare Debian machine can run it.
"""

import hashlib
import json
import os
import re
import shlex
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent


def deep_merge(base, over):
    """`over` on top of `base`, merging nested dictionaries."""
    out = dict(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = deep_merge(out[key], value)
        else:
            out[key] = value
    return out


class Attrs(dict):
    """Attributes readable as `node.attr.plaza.web.ports` or `node.attr['plaza']`."""

    def __getattr__(self, name):
        try:
            value = self[name]
        except KeyError:
            raise AttributeError(f"no attribute {name!r}") from None
        return Attrs(value) if isinstance(value, dict) else value


def lookup(attrs, dotted):
    value = attrs
    for part in dotted.split("."):
        if isinstance(value, dict) and part in value:
            value = value[part]
        else:
            raise KeyError(f"template variable {dotted!r} is not set")
    return value


# Binaries recipes have built (and installed) in this process: a run converging several nodes
# builds once.
BUILT = set()

TEMPLATE_VAR = re.compile(r"\{\{\s*([A-Za-z0-9_.]+)\s*\}\}")


def render(text, variables):
    """Replaces `{{ a.b }}` with the variable's value; a missing variable is an error."""
    return TEMPLATE_VAR.sub(lambda m: str(lookup(variables, m.group(1))), text)


class Converge:
    """One converge run over a node."""

    def __init__(self, node_file, dry_run=False, roles=None, overrides=None):
        """`roles` (names) limits the run to those roles' recipes (every role's attributes still
        apply), so several nodes can be converged phase by phase; `overrides` are attributes
        set on top of the node's (`{"plaza": {"profile": "debug"}}`)."""
        self.node_file = Path(node_file).resolve()
        node = json.loads(self.node_file.read_text())
        self.name = node.get("name", self.node_file.stem)
        attrs = {}
        self.recipes = []
        for entry in node["run_list"]:
            kind, value = re.fullmatch(r"(role|recipe)\[(.+)\]", entry).groups()
            if kind == "role":
                role = json.loads((HERE / "roles" / f"{value}.json").read_text())
                attrs = deep_merge(attrs, role.get("default_attributes", {}))
                if roles is not None and value not in roles:
                    continue
                for recipe in role["run_list"]:
                    name = re.fullmatch(r"recipe\[(.+)\]", recipe).group(1)
                    if name not in self.recipes:
                        self.recipes.append(name)
            elif value not in self.recipes and roles is None:
                self.recipes.append(value)
        attrs = deep_merge(attrs, node.get("attributes", {}))
        attrs = deep_merge(attrs, overrides or {})
        repo = HERE.parent
        attrs.setdefault("repo", str(repo))
        root = Path(os.environ.get("REGION_ROOT", attrs.get("root", "target/region")))
        if not root.is_absolute():
            root = repo / root
        attrs["root"] = str(root)
        self.attr = Attrs(attrs)
        self.roles = [re.fullmatch(r"role\[(.+)\]", e).group(1) for e in node["run_list"] if e.startswith("role[")]
        if roles is not None:
            self.roles = [r for r in self.roles if r in roles]
        self.dry_run = dry_run
        self.total = 0
        self.changed = []
        self.pending = []  # notifications, run once at the end of the run
        self.apt_updated = False
        self.fresh = set()  # programs added in this run: they start with their new configuration

    # --- reporting -------------------------------------------------------------------------

    def _done(self, what, changed):
        self.total += 1
        if changed:
            self.changed.append(what)
            print(f"  * {what}", flush=True)

    def notify(self, action):
        if action not in self.pending:
            self.pending.append(action)

    # --- resources -------------------------------------------------------------------------

    def package(self, *names):
        """Debian packages, installed with apt-get when missing."""
        missing = []
        for name in names:
            out = subprocess.run(["dpkg-query", "-W", "-f=${Status}", name], capture_output=True, text=True)
            if "install ok installed" not in out.stdout:
                missing.append(name)
        if missing and not self.dry_run:
            env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
            if not self.apt_updated:
                subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
                self.apt_updated = True
            subprocess.run(["apt-get", "install", "-y", "-qq", *missing], check=True, env=env,
                           stdout=subprocess.DEVNULL)
        self._done(f"package[{' '.join(missing)}] installed", bool(missing))

    def directory(self, path, mode=0o755, owner=None):
        path = Path(path)
        made = not path.is_dir()
        if made and not self.dry_run:
            path.mkdir(parents=True, exist_ok=True)
            os.chmod(path, mode)
        if owner and not self.dry_run:
            subprocess.run(["chown", "-R", owner, str(path)], check=True)
        self._done(f"directory[{path}] created", made)

    def file(self, path, content, mode=0o644, notifies=()):
        """A file with exactly `content`; rewritten (and `notifies` queued) only when it differs."""
        path = Path(path)
        old = path.read_bytes() if path.exists() else None
        new = content.encode()
        changed = old != new
        if changed and not self.dry_run:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(path.name + ".tmp")
            tmp.write_bytes(new)
            os.chmod(tmp, mode)
            tmp.replace(path)
        elif not changed and (path.stat().st_mode & 0o777) != mode and not self.dry_run:
            os.chmod(path, mode)
        if changed:
            for action in notifies:
                self.notify(action)
        self._done(f"file[{path}] written", changed)
        return changed

    def template(self, path, cookbook, source, variables=None, mode=0o644, notifies=()):
        """A file rendered from `cookbooks/<cookbook>/templates/<source>` with the node's attributes
        (and `variables`)."""
        text = (HERE / "cookbooks" / cookbook / "templates" / source).read_text()
        values = deep_merge(dict(self.attr), variables or {})
        return self.file(path, render(text, values), mode=mode, notifies=notifies)

    def install(self, source, path, mode=0o755, count=True):
        """A copy of the file `source` at `path` (a binary, say), copied only when their contents
        differ, so that processes run a file no later build replaces under them. `count=False`
        leaves the reporting to the recipe (one that copies until the copy is right)."""
        source, path = Path(source), Path(path)
        changed = not path.exists() or file_digest(source) != file_digest(path)
        if changed and not self.dry_run:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(path.name + ".tmp")
            with open(source, "rb") as src, open(tmp, "wb") as dst:
                while chunk := src.read(1 << 20):
                    dst.write(chunk)
            os.chmod(tmp, mode)
            tmp.replace(path)
        if count:
            self._done(f"file[{path}] installed from {source}", changed)
        return changed

    def execute(self, name, command, creates=None, unless=None, env=None, cwd=None):
        """Runs `command` unless `creates` exists or the `unless` command succeeds."""
        if creates and Path(creates).exists():
            return self._done(name, False)
        if unless and self.quiet(unless, env=env):
            return self._done(name, False)
        if not self.dry_run:
            self.run(command, env=env, cwd=cwd)
        self._done(name, True)

    def program(self, name, command, directory=None, environment=None, stopwaitsecs=10, stopsignal="TERM",
                identity="", ready=None, drain=(), autostart=True):
        """A process kept running by supervisord. `identity` (a binary's hash, say) goes into the
        program file, so a new binary is a changed program and gets restarted. With `ready` (a
        command that succeeds once the process serves), a changed program is restarted at once
        and waited for, so that programs declared one after another restart one at a time (a
        rolling restart: the load balancer sends requests to the others meanwhile). `drain`
        names the program's HAProxy servers (`backend/server`): before the restart HAProxy stops
        sending them requests and the ones in flight finish; after it they take requests again
        once HAProxy sees them up, so a rolling restart fails no request. A program with
        `autostart=False` is only started on demand (`supervisorctl start`)."""
        root = Path(self.attr.root)
        env = ",".join(f'{k}="{v}"' for k, v in sorted((environment or {}).items()))
        lines = [
            f"; converged by chef-like-provision{' — ' + identity if identity else ''}",
            f"[program:{name}]",
            f"command={command}",
            f"directory={directory or root}",
            f"autostart={'true' if autostart else 'false'}",
            "autorestart=true",
            "startsecs=1",
            "startretries=10",
            f"stopsignal={stopsignal}",
            f"stopwaitsecs={stopwaitsecs}",
            "stopasgroup=true",
            "killasgroup=true",
            f"stdout_logfile={root}/log/{name}.log",
            "stdout_logfile_maxbytes=20MB",
            "stdout_logfile_backups=2",
            "redirect_stderr=true",
        ]
        if env:
            lines.append(f"environment={env}")
        path = root / "supervisor" / f"{name}.conf"
        fresh = not path.exists()
        if fresh:
            self.fresh.add(name)
        if self.file(path, "\n".join(lines) + "\n"):
            if ready and not fresh and not self.dry_run:
                lb = HaproxyAdmin.of(root)
                drained = lb.drain(drain)
                self.supervisorctl("update", name)
                self.wait_for(name, ready, 60)
                lb.resume(drained)
                print(f"  -> restarted {name}", flush=True)
            else:
                self.notify("supervisor:update")

    def program_absent(self, name):
        """No program `name`: its file is removed and supervisord stops it."""
        path = Path(self.attr.root) / "supervisor" / f"{name}.conf"
        gone = path.exists()
        if gone and not self.dry_run:
            path.unlink()
            self.notify("supervisor:update")
        self._done(f"program[{name}] removed", gone)

    # --- helpers for recipes ---------------------------------------------------------------

    def peers(self):
        """The other regions this node replicates (attribute `mesh.regions` names their node
        files in nodes/), each as its attributes (ports, root, region id)."""
        names = self.attr.get("mesh", {}).get("regions", [])
        return [Converge(HERE / "nodes" / f"{name}.json", roles=[]).attr
                for name in names if name != self.name]

    def run(self, command, env=None, cwd=None, check=True):
        full_env = dict(os.environ, **(env or {}))
        shell = isinstance(command, str)
        result = subprocess.run(command, shell=shell, env=full_env, cwd=cwd, capture_output=True, text=True)
        if check and result.returncode != 0:
            shown = command if shell else shlex.join(command)
            sys.stderr.write(f"command failed ({result.returncode}): {shown}\n{result.stdout}{result.stderr}\n")
            raise SystemExit(1)
        return result

    def quiet(self, command, env=None):
        full_env = dict(os.environ, **(env or {}))
        return subprocess.run(command, shell=True, env=full_env, capture_output=True).returncode == 0

    def wait_for(self, what, command, seconds=60):
        deadline = time.time() + seconds
        while time.time() < deadline:
            if self.quiet(command):
                return
            time.sleep(0.3)
        sys.stderr.write(f"{what} did not come up within {seconds}s (checked with: {command})\n")
        raise SystemExit(1)

    def supervisorctl(self, *args):
        conf = Path(self.attr.root) / "supervisord.conf"
        return self.run(["supervisorctl", "-c", str(conf), *args], check=False)

    # --- the run ---------------------------------------------------------------------------

    def converge(self):
        """Runs every recipe; returns (changed, total)."""
        print(f"converging node {self.name} ({', '.join(self.roles)}) into {self.attr.root}", flush=True)
        for recipe in self.recipes:
            self.include_recipe(recipe)
            self.flush_notifications()
        print(f"converged: {len(self.changed)} of {self.total} resources changed", flush=True)
        return len(self.changed), self.total

    def include_recipe(self, recipe):
        """Runs `cookbook::name` (or `cookbook` for its default recipe) now: a recipe's steps
        that two recipes share live in a recipe of their own that both include."""
        cookbook, _, name = recipe.partition("::")
        path = HERE / "cookbooks" / cookbook / "recipes" / f"{name or 'default'}.py"
        print(f"recipe[{recipe}]", flush=True)
        code = compile(path.read_text(), str(path), "exec")
        exec(code, {"node": self, "attr": self.attr, "Path": Path})  # noqa: S102 - our own recipes

    def flush_notifications(self):
        """Runs what changed files asked for: `supervisor:update` adds/restarts changed
        programs; `restart:<program>` and `signal:<program>:<SIG>` act on one program;
        `reload:haproxy` reloads HAProxy seamlessly, keeping its servers' state."""
        pending, self.pending = self.pending, []
        # New and changed programs first; a program that has just started needs no restart.
        pending.sort(key=lambda a: a != "supervisor:update")
        for action in pending:
            program = action.split(":")[1]
            if action != "supervisor:update" and program in self.fresh:
                continue
            if self.dry_run:
                continue
            if action == "supervisor:update":
                self.supervisorctl("update")
            elif action.startswith("restart:"):
                self.supervisorctl("restart", action.split(":", 1)[1])
            elif action == "reload:haproxy":
                if "RUNNING" in self.supervisorctl("status", program).stdout:
                    root = Path(self.attr.root)
                    HaproxyAdmin.of(root).reload(root / "run" / "haproxy.state",
                                                 lambda: self.supervisorctl("signal", "USR2", program))
                else:
                    self.supervisorctl("start", program)
            elif action.startswith("signal:"):
                _, program, sig = action.split(":")
                # A reload signal only helps a running process; one that failed is started.
                if "RUNNING" in self.supervisorctl("status", program).stdout:
                    self.supervisorctl("signal", sig, program)
                else:
                    self.supervisorctl("start", program)
            print(f"  -> {action}", flush=True)


class HaproxyAdmin:
    """HAProxy's runtime API on its admin socket: the one way Plaza's tools take servers out of
    rotation and back (converge, bin/rolling-restart, bin/release), wait for a server to be UP,
    and reload HAProxy without losing its servers' state."""

    def __init__(self, socket_path):
        self.socket_path = Path(socket_path)

    @classmethod
    def of(cls, root):
        """The admin socket of the region converged into `root`."""
        return cls(Path(root) / "run" / "haproxy.sock")

    def command(self, line):
        import socket

        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
            conn.settimeout(5)
            conn.connect(str(self.socket_path))
            conn.sendall(line.encode() + b"\n")
            out = b""
            while chunk := conn.recv(65536):
                out += chunk
        return out.decode()

    def servers(self):
        """`{"backend/server": (status, current sessions)}` of every server."""
        out = {}
        for row in self.command("show stat").splitlines():
            fields = row.split(",")
            if row.startswith("#") or len(fields) < 18 or fields[1] in ("FRONTEND", "BACKEND"):
                continue
            out[f"{fields[0]}/{fields[1]}"] = (fields[17], int(fields[4] or 0))
        return out

    def wait_up(self, names, seconds=60):
        """Waits until HAProxy's checks count every one of `names` UP (in rotation); exits the
        run with a message naming the servers that are not after `seconds`."""
        deadline = time.time() + seconds
        now = {}
        while time.time() < deadline:
            try:
                now = self.servers()
            except OSError:
                now = {}  # HAProxy restarting: ask again
            if all(now.get(n, ("", 0))[0] == "UP" for n in names):
                return
            time.sleep(0.1)
        late = {n: now.get(n, ("unknown", 0))[0] for n in names if now.get(n, ("", 0))[0] != "UP"}
        sys.stderr.write(f"HAProxy does not count {late} UP after {seconds}s\n")
        raise SystemExit(1)

    def drain(self, names, seconds=15):
        """Stops sending requests to `names` and waits (bounded) until their requests in flight
        have finished; returns the ones HAProxy knows (to resume later)."""
        if not names or not self.socket_path.exists():
            return []
        try:
            known = [n for n in names if n in self.servers()]
            for n in known:
                self.command(f"set server {n} state drain")
            deadline = time.time() + seconds
            while time.time() < deadline:
                now = self.servers()
                if all(now.get(n, ("", 0))[1] == 0 for n in known):
                    break
                time.sleep(0.1)
            # A moment for answers on their way back through HAProxy.
            time.sleep(0.3)
            return known
        except OSError:
            return []

    def maint(self, names):
        """Takes `names` out of rotation altogether (drain them first to let requests finish)."""
        if not names or not self.socket_path.exists():
            return
        for n in names:
            self.command(f"set server {n} state maint")

    def resume(self, names, seconds=60):
        """Puts `names` back in rotation and waits until HAProxy's checks see them UP."""
        if not names:
            return
        for n in names:
            self.command(f"set server {n} state ready")
        self.wait_up(names, seconds)

    def worker_pid(self):
        """The pid of the HAProxy worker answering on the socket, or None while none does."""
        try:
            info = self.command("show info")
        except OSError:
            return None
        for line in info.splitlines():
            if line.startswith("Pid:"):
                return line.split(":", 1)[1].strip()
        return None

    def reload(self, state_file, signal_master, seconds=30):
        """A seamless reload: the servers' state is saved to `state_file` (the configuration's
        `server-state-file`), `signal_master()` sends the master SIGUSR2, and this waits until
        a new worker answers (it took the old one's listening sockets over, `expose-fd
        listeners`, and started from the saved state). The file is removed afterwards, so a
        later cold start begins from the configuration, not from a stale state."""
        state_file = Path(state_file)
        before = self.worker_pid()
        if before is not None:
            tmp = state_file.with_name(state_file.name + ".tmp")
            tmp.write_text(self.command("show servers state"))
            tmp.replace(state_file)
        signal_master()
        deadline = time.time() + seconds
        try:
            while time.time() < deadline:
                now = self.worker_pid()
                if now is not None and now != before:
                    return
                time.sleep(0.1)
            sys.stderr.write(f"HAProxy did not reload within {seconds}s (still worker {before})\n")
            raise SystemExit(1)
        finally:
            state_file.unlink(missing_ok=True)


def parse_overrides(args):
    """`--set a.b=value` arguments as nested attributes (values are JSON when they parse as
    JSON, else strings)."""
    out = {}
    for arg in args:
        key, _, raw = arg.partition("=")
        try:
            value = json.loads(raw)
        except ValueError:
            value = raw
        parts = key.split(".")
        here = out
        for part in parts[:-1]:
            here = here.setdefault(part, {})
        here[parts[-1]] = value
    return out


def file_digest(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()[:16]
