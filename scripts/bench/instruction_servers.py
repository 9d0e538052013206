"""The servers scripts/bench/bench-instructions.sh measures against, on 127.0.0.1 only.

Two responses: "small" (a 13-byte body, the same text nginx-conf.sh serves) and "large" (a
120,000-byte body). With ringfire-target each is its own server process; with nginx one server
serves both (the large one from a file at /large). Every server is pinned to one CPU, has a
safety bound on its lifetime, and is stopped when the `with` block ends.
"""

import os
import re
import shutil
import signal
import socket
import subprocess
import time

LARGE_BODY_BYTES = 120_000
# A server outlives no measurement by more than this (the whole suite takes a few minutes).
SERVER_LIMIT_S = 3600
REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_listening(port, timeout_s=10.0):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return True
        time.sleep(0.05)
    return False


class Servers:
    def __init__(self, target_bin, use_nginx, cpu, workdir):
        self.target_bin, self.use_nginx, self.cpu = target_bin, use_nginx, cpu
        self.workdir = workdir
        self.procs, self.urls = [], {}

    def __enter__(self):
        try:
            if self.use_nginx:
                self._start_nginx()
            else:
                self.urls["small"] = self._start_target("small", [])
                self.urls["large"] = self._start_target(
                    "large", ["--body-size", str(LARGE_BODY_BYTES)])
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def __exit__(self, *_):
        for proc in self.procs:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in self.procs:
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()

    def url(self, response):
        return self.urls[response]

    def _start_target(self, name, extra):
        out = open(os.path.join(self.workdir, f"target-{name}.out"), "w+")
        cmd = [self.target_bin, "--port", "0", "--bind", "127.0.0.1", "--cpus", self.cpu,
               "--duration", f"{SERVER_LIMIT_S}s", "--quiet"] + extra
        self.procs.append(subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT))
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            out.seek(0)
            m = re.search(r"^listening on (\S+)", out.read(), re.M)
            if m:
                return f"http://{m.group(1)}/"
            if self.procs[-1].poll() is not None:
                break
            time.sleep(0.05)
        out.seek(0)
        raise RuntimeError(f"ringfire-target ({name}) did not start: {out.read()[-1000:]}")

    def _start_nginx(self):
        # nginx's workers run as an unprivileged user: the directory and the body file must be
        # readable by anyone.
        prefix = os.path.join(self.workdir, "nginx")
        os.makedirs(prefix, exist_ok=True)
        os.chmod(self.workdir, 0o755)
        os.chmod(prefix, 0o755)
        body = os.path.join(prefix, "large.bin")
        with open(body, "wb") as f:
            f.write(b"x" * LARGE_BODY_BYTES)
        os.chmod(body, 0o644)
        port = free_port()
        conf = subprocess.run([os.path.join(REPO, "scripts", "nginx-conf.sh"), prefix, str(port)],
                              check=True, capture_output=True, text=True).stdout
        # No access log (one write per request would be the server's bottleneck), and the large
        # response as a plain file.
        conf = re.sub(r"(?m)^(\s*)access_log .*;", r"\1access_log off;", conf)
        conf = conf.replace("    location / {",
                            f"    location = /large {{ alias {body}; "
                            "default_type application/octet-stream; }\n    location / {", 1)
        with open(os.path.join(prefix, "nginx.conf"), "w") as f:
            f.write(conf)
        nginx = shutil.which("nginx") or "/usr/sbin/nginx"
        cmd = ["taskset", "-c", self.cpu, "timeout", f"{SERVER_LIMIT_S}s", nginx, "-c",
               os.path.join(prefix, "nginx.conf"), "-p", prefix, "-e",
               os.path.join(prefix, "error.log")]
        self.procs.append(subprocess.Popen(cmd))
        if not wait_listening(port):
            with open(os.path.join(prefix, "error.log"), errors="replace") as f:
                raise RuntimeError(f"nginx did not start: {f.read()[-1000:]}")
        self.urls["small"] = f"http://127.0.0.1:{port}/"
        self.urls["large"] = f"http://127.0.0.1:{port}/large"
