"""What each client and tracer reports about a run, read into numbers: wrk's text report,
ringfire's --json result (through scripts/lib/ringfire_result.py, the one reader of result files),
gcannon's --json report, ringfire-pingpong's own small JSON, `perf stat -x,` output and
`strace -c` tables.
"""

import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "lib"))
import ringfire_result  # noqa: E402

# What a missing, truncated or failed report raises while it is parsed.
PARSE_ERRORS = (OSError, ValueError, KeyError, ringfire_result.ResultError)
# wrk prints durations with these units.
UNITS_S = {"us": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0, "h": 3600.0}


def parse_wrk_time_ns(text):
    m = re.fullmatch(r"([\d.]+)(us|ms|s|m|h)", text)
    return float(m.group(1)) * UNITS_S[m.group(2)] * 1e9 if m else None


def parse_wrk(stdout):
    """Totals from wrk's text report (wrk 4.x)."""
    res = {}
    m = re.search(r"(\d+) requests in ([\d.]+)(\w+)", stdout)
    if m:
        res["completed"] = int(m.group(1))
    m = re.search(r"Requests/sec:\s+([\d.]+)", stdout)
    if m:
        res["rps"] = float(m.group(1))
    m = re.search(r"^\s+50%\s+(\S+)", stdout, re.M)
    if m:
        res["p50_ns"] = parse_wrk_time_ns(m.group(1))
    m = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", stdout)
    res["errors"] = sum(int(x) for x in m.groups()) if m else 0
    m = re.search(r"Non-2xx or 3xx responses: (\d+)", stdout)
    res["non2xx"] = int(m.group(1)) if m else 0
    return res


def parse_ringfire(json_path):
    result = ringfire_result.load(json_path)
    if not result.finished:
        raise ringfire_result.ResultError(f"{json_path}: the run failed: {result.failure}")
    res = {
        "completed": result.completed,
        "rps": result.rps,
        "errors": result.failed,
        "non2xx": result.non_2xx,
        "p50_ns": result.latency.percentile("50"),
    }
    for key in ("wakeups", "cqes"):
        if key in result.run:
            res[key] = result.run[key]
    return res


def parse_pingpong(json_path):
    """ringfire-pingpong's own small JSON (not a ringfire result: no schema of its own)."""
    with open(json_path) as f:
        doc = json.load(f)
    return {"completed": doc["completed"], "rps": doc["requests_per_second"], "errors": 0,
            "non2xx": 0, "p50_ns": doc["latency_ns"]["p50"]}


def parse_gcannon(stdout):
    """Totals from gcannon's --json report on stdout (gcannon 0.5: one object, nothing else).
    Its "errors" are connect, read and timeout counts; any status but 2xx counts as non-2xx (it
    checks each against the expected status, 200 by default); latency is in microseconds."""
    start = stdout.find("{")
    if start < 0:
        raise ValueError("gcannon printed no JSON report")
    doc = json.loads(stdout[start:])
    status = doc["status"]
    return {
        "completed": int(doc["responses"]),
        "rps": float(doc["rps"]),
        "errors": sum(int(v) for v in doc["errors"].values()),
        "non2xx": sum(int(v) for k, v in status.items() if k != "2xx"),
        "p50_ns": float(doc["latency_us"]["p50"]) * 1000.0,
        "reconnects": int(doc.get("reconnects", 0)),
    }


def parse_h2load(stdout):
    """Totals from h2load's text report (nghttp2 1.52, HTTP/2 or --h1): "succeeded" are the
    completed responses (any status; non-2xx counted apart), failed + errored + timeout the
    errors, and the rate from its "finished in" line."""
    m = re.search(r"^requests: (\d+) total, (\d+) started, (\d+) done, (\d+) succeeded, "
                  r"(\d+) failed, (\d+) errored, (\d+) timeout", stdout, re.M)
    if not m:
        raise ValueError("h2load printed no requests line")
    res = {"completed": int(m.group(4)),
           "errors": int(m.group(5)) + int(m.group(6)) + int(m.group(7))}
    m = re.search(r"^finished in ([\d.]+)s, ([\d.]+) req/s", stdout, re.M)
    if m:
        res["rps"] = float(m.group(2))
    m = re.search(r"^status codes: (\d+) 2xx, (\d+) 3xx, (\d+) 4xx, (\d+) 5xx", stdout, re.M)
    res["non2xx"] = sum(int(x) for x in m.groups()[1:]) if m else 0
    return res


def parse_client(client, stdout, json_path):
    """The report of one measured or traced run of wrk, gcannon, h2load or ringfire, read into
    numbers."""
    if client.startswith("h2load"):
        return parse_h2load(stdout)
    if client == "wrk":
        return parse_wrk(stdout)
    if client == "gcannon":
        return parse_gcannon(stdout)
    if client == "pingpong":
        return parse_pingpong(json_path)
    return parse_ringfire(json_path)


def completed_of(client, r, json_path):
    """Responses a traced run completed, by the client's own count; 0 if it reported none."""
    try:
        parsed = parse_client(client, r["stdout"], json_path)
    except PARSE_ERRORS:
        return 0
    return parsed.get("completed", 0)


def parse_perf(path):
    """The raw_syscalls:sys_enter count from `perf stat -x,` output; 0 if it is not there."""
    try:
        with open(path) as f:
            for line in f:
                parts = line.strip().split(",")
                if len(parts) > 2 and parts[2] == "raw_syscalls:sys_enter" and parts[0].isdigit():
                    return int(parts[0])
    except OSError:
        pass
    return 0


def parse_strace(path):
    """{syscall: calls} from `strace -c` output (the taskset exec is in there, but tiny)."""
    calls = {}
    try:
        with open(path) as f:
            for line in f:
                cols = line.split()
                # % time, seconds, usecs/call, calls, [errors], syscall
                if len(cols) >= 5 and re.fullmatch(r"[\d.]+", cols[0]) and cols[-1] != "total":
                    calls[cols[-1]] = int(cols[3])
    except OSError:
        pass
    return calls
