"""Starts a target server, waits until it answers, finds the process to watch, stops it.

Each target runs under /bin/sh -c in a new session (its own process group), so stopping it is
one killpg() and catches every worker it forked. Ports: a target whose url holds {port} gets a
free loopback port the sweep found by binding port 0 (released just before the server starts:
another program could take it in between, and the server would then fail to start, which is
reported). A literal port in the url is checked to be free before anything starts.
"""

import os
import re
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request

from .experiment import ExperimentError, seconds

STOP_GRACE_S = 5.0
READY_TIMEOUT_S = 30.0  # gunicorn with 9 workers takes 10 s on a busy 2-core machine
SETUP_TIMEOUT_S = 600.0
VERSION_TIMEOUT_S = 10.0


class TargetError(Exception):
    """A target that would not start or answer: one line for the user."""


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def literal_port(url):
    m = re.match(r"http://(?:[^/:]+|\[[^\]]+\]):(\d+)", url)
    return int(m.group(1)) if m else None


def check_port_free(name, url):
    port = literal_port(url)
    if port is None:
        return
    host = "::1" if "[::1]" in url else "127.0.0.1"
    family = socket.AF_INET6 if host == "::1" else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as s:
        try:
            s.bind((host, port))
        except OSError:
            raise ExperimentError(f"target {name!r}: port {port} is already in use "
                                  f"(use {{port}} in its url and command to get a free one)")


def expand(text, values):
    for key, value in values.items():
        text = text.replace("{" + key + "}", str(value))
    return text


def run_bounded(command, cwd, env, timeout_s):
    """(exit status, last line of output) of a shell command, killed after timeout_s."""
    proc = subprocess.Popen(["/bin/sh", "-c", command], cwd=cwd, env=env, start_new_session=True,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        out, _ = proc.communicate(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        return None, f"still running after {timeout_s:.0f} s"
    lines = [line for line in out.splitlines() if line.strip()]
    return proc.returncode, (lines[-1].strip() if lines else "")


def last_line(path):
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            lines = [line.strip() for line in f if line.strip()]
    except OSError:
        return ""
    return lines[-1][:200] if lines else ""


def session_member(leader, comm):
    """Lowest PID in the leader's session whose command name is comm, or None."""
    found = []
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", encoding="ascii", errors="replace") as f:
                stat = f.read()
        except OSError:
            continue
        close = stat.rfind(")")
        fields = stat[close + 2:].split()
        if stat[stat.find("(") + 1:close] == comm and len(fields) > 3 and int(fields[3]) == leader:
            found.append(int(name))
    return min(found) if found else None


def count_lines(path):
    try:
        with open(path, "rb") as f:
            return sum(chunk.count(b"\n") for chunk in iter(lambda: f.read(1 << 20), b""))
    except OSError:
        return 0


def signal_group(group, sig):
    try:
        os.killpg(group, sig)
    except ProcessLookupError:
        pass


def group_members(group):
    """PIDs (not zombies) whose process group is group."""
    members = []
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", encoding="ascii", errors="replace") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if len(fields) > 2 and fields[0] != "Z" and int(fields[2]) == group:
            members.append(int(name))
    return members


class Target:
    """One server of the experiment. start() / answer wait / stop() may repeat (restarts)."""

    def __init__(self, spec, values, work_dir):
        self.spec = spec
        self.name = spec["name"]
        self.work_dir = work_dir
        os.makedirs(work_dir, exist_ok=True)
        self.values = dict(values, dir=work_dir)
        if spec.get("port_from_stdout"):
            self.values["port"] = None  # the server binds port 0 and prints the port it got
        elif "{port}" in spec["url"]:
            self.values["port"] = free_port()
        elif literal_port(spec["url"]) is not None:
            self.values["port"] = literal_port(spec["url"])
        self.url = expand(spec["url"], self.values)
        self.cwd = expand(spec.get("cwd", self.values["repo"]), self.values)
        self.env = dict(os.environ, **{k: expand(v, self.values)
                                       for k, v in spec.get("env", {}).items()})
        self.proc = None
        self.pid = None  # the process sysmon watches (with its descendants)
        self.starts = 0
        self.probes_answered = 0
        self.exit_out = ""
        self.broken = None  # why the sweep gave up restarting it, once it has

    def command(self):
        return expand(self.spec["command"], self.values)

    def setup(self):
        if not self.spec.get("setup"):
            return
        status, line = run_bounded(expand(self.spec["setup"], self.values), self.cwd, self.env,
                                   SETUP_TIMEOUT_S)
        if status != 0:
            raise TargetError(f"target {self.name!r}: setup failed ({line or status})")

    def version(self):
        if not self.spec.get("version"):
            return ""
        status, line = run_bounded(expand(self.spec["version"], self.values), self.cwd, self.env,
                                   VERSION_TIMEOUT_S)
        return line if status == 0 else f"unknown ({line})"

    def start(self):
        self.launch()
        self.wait_ready()

    def launch(self):
        """Starts the server without waiting for it (wait_ready() does)."""
        self.starts += 1
        self.probes_answered = 0
        self.log = os.path.join(self.work_dir, f"server-{self.starts}.log")
        self.out = os.path.join(self.work_dir, f"server-{self.starts}.out")
        with open(self.out, "w") as out, open(self.log, "w") as err:
            self.proc = subprocess.Popen(["/bin/sh", "-c", self.command()], cwd=self.cwd,
                                         env=self.env, stdout=out, stderr=err,
                                         stdin=subprocess.DEVNULL, start_new_session=True)
        self.launched = time.monotonic()

    def wait_ready(self):
        timeout_s = seconds(self.spec.get("ready_timeout_s", READY_TIMEOUT_S), self.name)
        self.wait_until_answering(self.launched + timeout_s, timeout_s)
        self.pid = self.proc.pid
        if self.spec.get("pid_of"):
            self.pid = session_member(self.proc.pid, self.spec["pid_of"])
            if self.pid is None:
                self.stop()
                raise TargetError(f"target {self.name!r}: answers, but no process named "
                                  f"{self.spec['pid_of']!r} among the ones it started")

    def wait_until_answering(self, deadline, timeout_s):
        while True:
            status = self.proc.poll()
            if status is not None:
                self.proc = None
                raise TargetError(f"target {self.name!r} exited (status {status}) before "
                                  f"answering {self.url}: {last_line(self.log) or 'no output'}")
            if self.port_known() and self.probe():
                self.probes_answered += 1
                return
            if time.monotonic() > deadline:
                self.stop()
                raise TargetError(f"target {self.name!r} did not answer {self.url} within "
                                  f"{timeout_s:g} s (its log: {self.log})")
            time.sleep(0.1)

    def port_known(self):
        """With port_from_stdout: reads the port from the server's line "PREFIX HOST:PORT"
        (ringfire-target's "listening on 127.0.0.1:PORT") and sets the url from it."""
        prefix = self.spec.get("port_from_stdout")
        if not prefix:
            return True
        try:
            with open(self.out, encoding="utf-8", errors="replace") as f:
                lines = [line for line in f if line.startswith(prefix)]
        except OSError:
            return False
        m = re.search(r":(\d+)\s*$", lines[0]) if lines else None
        if m:
            self.values["port"] = int(m.group(1))
            self.url = expand(self.spec["url"], self.values)
        return m is not None

    def probe(self):
        """True when the url answers HTTP (any status)."""
        try:
            with urllib.request.urlopen(self.url, timeout=1.0) as r:
                r.read()
            return True
        except urllib.error.HTTPError:
            return True
        except (OSError, ValueError):
            return False

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def exit_status(self):
        return None if self.proc is None else self.proc.poll()

    def stop(self):
        """SIGTERM to the whole process group, SIGKILL to what is left after STOP_GRACE_S.
        Returns the server's stdout. The shell that ran the command may exit before the server
        it started (which still prints its exit lines), so this waits for the group, not the
        leader alone."""
        if self.proc is None:
            return ""
        group = self.proc.pid
        signal_group(group, signal.SIGTERM)
        deadline = time.monotonic() + STOP_GRACE_S
        while time.monotonic() < deadline:
            self.proc.poll()  # reaps the leader: a zombie leader would count as a member
            if self.proc.returncode is not None and not group_members(group):
                break
            time.sleep(0.02)
        else:
            signal_group(group, signal.SIGKILL)
            self.proc.wait()
        self.proc = None
        with open(self.out, encoding="utf-8", errors="replace") as f:
            self.exit_out = f.read()
        return self.exit_out

    # ---- the server's own count of what it served ----------------------------------------------

    def access_log_lines(self):
        """Lines in the target's access log once it stops growing (bounded: 1 s). A server logs
        a request after its response is out, so the client may see the answer first."""
        path = expand(self.spec.get("served", {}).get("access_log", ""), self.values)
        if not path:
            return None
        count, deadline = count_lines(path), time.monotonic() + 1.0
        while time.monotonic() < deadline:
            time.sleep(0.05)
            again = count_lines(path)
            if again == count:
                break
            count = again
        return count

    def exit_line_count(self):
        key = self.spec.get("served", {}).get("exit_line")
        if not key:
            return None
        for line in self.exit_out.splitlines():
            if line.startswith(key + ": "):
                return int(line.split(": ", 1)[1])
        return None
