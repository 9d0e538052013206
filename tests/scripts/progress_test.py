#!/usr/bin/env python3
"""ringfire's live progress line, end to end against ringfire-target on loopback:
under a pseudo-terminal it is redrawn in place once a second and erased before the report, its
figures agree with the run's own --json per-second series; on a pipe there is none, unless
--progress asks for plain lines.
  progress_test.py RINGFIRE RINGFIRE_TARGET
Prints "N passed, M failed"; exits 1 on any failure.
"""

import os
import pty
import re
import select
import subprocess
import sys
import tempfile
import time

from script_tests import run_tests, start_target

import ringfire_result  # scripts/lib, put on sys.path by script_tests

RINGFIRE, TARGET = sys.argv[1], sys.argv[2]
REDRAW = re.compile(rb"\r([^\r\n\x1b]+)\x1b\[K")
MEASURED = re.compile(
    r"^(\d+)s/(\d+)s  (\d+) responses  (\d+) req/s(?:  p50 \S+  p99 \S+)?  errors (\d+)  "
    r"conns (\d+)(?:  busiest worker (\d+)% CPU)?$")


def run_in_pty(argv, limit=30):
    """Runs argv with stdin/stdout/stderr on a new pseudo-terminal; returns (status, bytes)."""
    pid, fd = pty.fork()
    if pid == 0:
        os.execv(argv[0], argv)
    out = b""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.5)
        if not ready:
            continue
        try:
            chunk = os.read(fd, 65536)
        except OSError:  # EIO: the child closed its side
            break
        if not chunk:
            break
        out += chunk
    os.close(fd)
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status), out


def measured_lines(texts):
    return [MEASURED.match(t) for t in texts if not t.startswith("warming up")]


def check_against_json(lines, result, duration):
    """Each line describes one measured second; its figures are that second's in the JSON."""
    series = result.seconds
    total = 0
    seen = 0
    for m in lines:
        assert m, "unparsed line"
        second = int(m.group(1)) - 1
        assert 0 <= second < len(series), (m.group(0), len(series))
        total = sum(row["completed"] for row in series[:second + 1])
        per_second = int(m.group(4))
        assert per_second > 0, m.group(0)
        assert per_second == series[second]["completed"], (m.group(0), series[second])
        assert int(m.group(3)) == total, (m.group(0), total)
        assert int(m.group(5)) == 0, m.group(0)
        assert int(m.group(6)) == 4, m.group(0)
        assert int(m.group(2)) == duration, m.group(0)
        seen += 1
    return seen


def test_terminal_redraws(url, tmp):
    json_path = os.path.join(tmp, "tty.json")
    status, out = run_in_pty([RINGFIRE, "-c", "4", "-t", "1", "-d", "3s", "--json", json_path, url])
    assert status == 0, (status, out[-2000:])
    texts = [t.decode() for t in REDRAW.findall(out)]
    # One per second: after the measured seconds 1 and 2 (the third ends the run, and the report
    # replaces the line).
    lines = measured_lines(texts)
    assert [int(m.group(1)) for m in lines if m] == [1, 2], texts
    assert check_against_json(lines, ringfire_result.load(json_path), 3) >= 2, texts
    # Erased before the report: the last redraw is followed by the erase, then the report.
    last = out.rfind(b"\x1b[K", 0, out.rfind(b"\r\x1b[K"))
    erase = out.rfind(b"\r\x1b[K")
    assert 0 <= last < erase, out[-2000:]
    assert b"req/s" not in out[erase + 4:erase + 200].split(b"\n")[0], out[erase:erase + 200]
    assert b"Requests    " in out[erase:], out[erase:]


def test_pipe_quiet(url, tmp):
    run = subprocess.run([RINGFIRE, "-c", "4", "-d", "1s", url], capture_output=True, timeout=30)
    assert run.returncode == 0, run.stderr
    assert run.stderr == b"", run.stderr
    assert b"\x1b" not in run.stdout and b"\r" not in run.stdout, run.stdout


def test_pipe_plain_lines(url, tmp):
    json_path = os.path.join(tmp, "plain.json")
    run = subprocess.run([RINGFIRE, "--progress", "-c", "4", "-t", "1", "--warmup", "1500ms", "-d",
                          "2s", "--json", json_path, url], capture_output=True, timeout=30)
    assert run.returncode == 0, run.stderr
    err = run.stderr.decode()
    assert "\r" not in err and "\x1b" not in err, repr(err)
    texts = [line.removeprefix("ringfire: progress: ") for line in err.splitlines()]
    assert all(line.startswith("ringfire: progress: ") for line in err.splitlines()), err
    assert texts[0] == "warming up 1s/1.5s", err
    assert check_against_json(measured_lines(texts), ringfire_result.load(json_path), 2) >= 1, err


def test_quiet_and_no_progress_silence_a_terminal(url, tmp):
    for flag in ("-q", "--no-progress"):
        status, out = run_in_pty([RINGFIRE, flag, "-c", "2", "-d", "1s", url])
        assert status == 0, (flag, out)
        assert b"\x1b[K" not in out, (flag, out)
    run = subprocess.run([RINGFIRE, "--progress", "--no-progress", url], capture_output=True,
                         timeout=30)
    assert run.returncode == 2, run


HANDSHAKES = re.compile(r" (\d+) req/s  (\d+) handshakes/s")


def test_https_shows_handshakes(url, tmp):
    """Over TLS with a handshake per request, each second's handshakes/s is there and follows its
    req/s (every response needs one more handshake; at most the 4 connections apart)."""
    cert, key = os.path.join(tmp, "cert.pem"), os.path.join(tmp, "key.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                    "ec_paramgen_curve:P-256", "-nodes", "-keyout", key, "-out", cert, "-days", "1",
                    "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1"],
                   check=True, capture_output=True, timeout=30)
    server = subprocess.Popen([TARGET, "--port", "0", "--duration", "60s", "--tls-cert", cert,
                               "--tls-key", key], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    try:
        line = server.stdout.readline().decode()
        assert line.startswith("listening on "), line
        https = "https://" + line.split()[-1] + "/"
        run = subprocess.run([RINGFIRE, "--progress", "-c", "4", "-t", "1", "-d", "2s", "--cacert",
                              cert, "--keepalive-requests", "1", https], capture_output=True,
                             timeout=30)
    finally:
        server.kill()
        server.wait()
    assert run.returncode == 0, run.stderr
    figures = [HANDSHAKES.search(line) for line in run.stderr.decode().splitlines()]
    figures = [(int(m.group(1)), int(m.group(2))) for m in figures if m]
    assert len(figures) >= 1, run.stderr
    for rps, handshakes in figures:
        assert handshakes > 0 and abs(handshakes - rps) <= 4, (rps, handshakes, run.stderr)
    # A plain run's line has no handshakes.
    plain = subprocess.run([RINGFIRE, "--progress", "-c", "2", "-d", "1s", url],
                           capture_output=True, timeout=30)
    assert b"handshakes/s" not in plain.stderr, plain.stderr


def main():
    server, url = start_target(TARGET)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            tests = (test_terminal_redraws, test_pipe_quiet, test_pipe_plain_lines,
                     test_quiet_and_no_progress_silence_a_terminal, test_https_shows_handshakes)
            return run_tests(tests, url, tmp)
    finally:
        server.kill()
        server.wait()


if __name__ == "__main__":
    sys.exit(main())
