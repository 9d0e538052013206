"""Reads and checks an experiment file; expands its matrix into cells.

An experiment file is JSON:
  {"name": ..., "description": ...,
   "targets": [{"name", "command", "url", "pid_of"?, "setup"?, "version"?, "cwd"?,
                "ready_timeout_s"?, "restart"?: "per_target" | "per_cell",
                "served"?: {"access_log": PATH} | {"exit_line": "requests"}}, ...],
   "matrix": {"connections": [..], "pipeline": [..], "rate": [..], "threads": [..],
              "duration": "5s", "repeats": 3, "warmup": "1s", "cooldown": "1s",
              "timeout": "5s", "args": [extra ringfire arguments]},
   "quick": {any matrix key: the value --quick uses instead}}
Any problem is an ExperimentError whose text is the one line the user sees.
"""

import itertools
import json
import os
import re

TOP_KEYS = {"name", "description", "targets", "matrix", "quick", "comment"}
TARGET_KEYS = {"name", "command", "url", "pid_of", "setup", "version", "cwd", "ready_timeout_s",
               "restart", "served", "env", "comment", "description", "port_from_stdout"}
MATRIX_KEYS = {"connections", "pipeline", "rate", "threads", "duration", "repeats", "warmup",
               "cooldown", "timeout", "args"}
LIST_KEYS = ("connections", "pipeline", "rate", "threads")
MATRIX_DEFAULTS = {"connections": [10], "pipeline": [1], "rate": [0], "threads": [1],
                   "duration": "5s", "repeats": 1, "warmup": "1s", "cooldown": "0s",
                   "timeout": "5s", "args": []}
LOOPBACK_HOSTS = ("localhost", "[::1]")
MAX_CELL_SECONDS = 3600  # a typo like "60m" for "60s" should not hold the machine for a day


class ExperimentError(Exception):
    """A bad experiment file: the message is one line naming the problem."""


def seconds(value, where):
    """"500ms", "2s", "1m" or a number of seconds -> float seconds."""
    if isinstance(value, (int, float)) and not isinstance(value, bool) and value >= 0:
        return float(value)
    m = re.fullmatch(r"(\d+(?:\.\d+)?)(ms|s|m)", str(value))
    if not m:
        raise ExperimentError(f"{where}: bad duration {value!r} (want e.g. 500ms, 2s, 1m)")
    return float(m.group(1)) * {"ms": 1e-3, "s": 1.0, "m": 60.0}[m.group(2)]


def check_keys(obj, allowed, where):
    if not isinstance(obj, dict):
        raise ExperimentError(f"{where}: must be a JSON object")
    unknown = sorted(set(obj) - allowed)
    if unknown:
        raise ExperimentError(f"{where}: unknown key {unknown[0]!r} "
                              f"(known: {', '.join(sorted(allowed))})")


def url_is_loopback(url):
    m = re.match(r"http://([^/:]+|\[[^\]]+\])(:\d+|:\{port\})?(/.*)?$", url)
    if not m:
        return False
    host = m.group(1)
    return host in LOOPBACK_HOSTS or re.fullmatch(r"127\.\d+\.\d+\.\d+", host) is not None


def check_target(t, i, seen):
    where = f"targets[{i}]"
    check_keys(t, TARGET_KEYS, where)
    name = t.get("name")
    if not isinstance(name, str) or not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.+-]*", name):
        raise ExperimentError(f"{where}: needs a \"name\" of letters, digits, _ . + -")
    where = f"target {name!r}"
    if name in seen:
        raise ExperimentError(f"{where}: the name is used twice")
    seen.add(name)
    for key in ("command", "url"):
        if not isinstance(t.get(key), str) or not t[key].strip():
            raise ExperimentError(f"{where}: missing \"{key}\"")
    # The sweep starts the server on this machine, so its URL is on loopback (the network rule).
    if not url_is_loopback(t["url"]):
        raise ExperimentError(f"{where}: url {t['url']!r} is not http:// on loopback "
                              "(127.0.0.0/8, localhost or [::1])")
    if t.get("port_from_stdout") and "{port}" not in t["url"]:
        raise ExperimentError(f"{where}: port_from_stdout needs {{port}} in the url")
    if t.get("restart", "per_target") not in ("per_target", "per_cell"):
        raise ExperimentError(f"{where}: \"restart\" is per_target or per_cell")
    served = t.get("served")
    if served is not None:
        check_keys(served, {"access_log", "exit_line"}, f"{where}: served")
        if len(served) != 1:
            raise ExperimentError(f"{where}: \"served\" has one of access_log, exit_line")
        if "exit_line" in served and t.get("restart") != "per_cell":
            raise ExperimentError(f"{where}: served.exit_line needs \"restart\": \"per_cell\"")
    if "env" in t and not all(isinstance(v, str) for v in dict(t["env"]).values()):
        raise ExperimentError(f"{where}: \"env\" values must be strings")
    seconds(t.get("ready_timeout_s", 30), f"{where}: ready_timeout_s")


def as_list(value, key):
    values = value if isinstance(value, list) else [value]
    if not values or not all(isinstance(v, int) and not isinstance(v, bool) and v >= 0
                             for v in values):
        raise ExperimentError(f"matrix: \"{key}\" must be a non-negative integer or a list of them")
    return values


def check_matrix(raw, where):
    check_keys(raw, MATRIX_KEYS, where)
    m = dict(MATRIX_DEFAULTS, **raw)
    for key in LIST_KEYS:
        m[key] = as_list(m[key], key)
    if min(m["connections"]) < 1 or min(m["pipeline"]) < 1 or min(m["threads"]) < 1:
        raise ExperimentError(f"{where}: connections, pipeline and threads are at least 1")
    if not isinstance(m["repeats"], int) or not 1 <= m["repeats"] <= 100:
        raise ExperimentError(f"{where}: \"repeats\" must be an integer from 1 to 100")
    for key in ("duration", "warmup", "cooldown", "timeout"):
        m[key + "_s"] = seconds(m[key], f"{where}: {key}")
    if not 0 < m["duration_s"] <= MAX_CELL_SECONDS:
        raise ExperimentError(f"{where}: duration must be more than 0 and at most 1h")
    if not isinstance(m["args"], list) or not all(isinstance(a, str) for a in m["args"]):
        raise ExperimentError(f"{where}: \"args\" must be a list of strings")
    return m


def load(path, quick=False):
    """The checked experiment: {"name", "description", "targets", "matrix"}."""
    try:
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
    except OSError as e:
        raise ExperimentError(f"{path}: {e.strerror}") from None
    except json.JSONDecodeError as e:
        raise ExperimentError(f"{path}: not JSON: {e.msg} at line {e.lineno}") from None
    check_keys(doc, TOP_KEYS, path)
    targets = doc.get("targets")
    if not isinstance(targets, list) or not targets:
        raise ExperimentError(f"{path}: needs a non-empty \"targets\" list")
    seen = set()
    for i, t in enumerate(targets):
        check_target(t, i, seen)
    raw = doc.get("matrix", {})
    check_keys(raw, MATRIX_KEYS, "matrix")
    check_keys(doc.get("quick", {}), MATRIX_KEYS, "quick")
    if quick:
        raw = dict(raw, **doc.get("quick", {}))
    name = doc.get("name") or os.path.splitext(os.path.basename(path))[0]
    return {"name": name, "description": doc.get("description", ""), "targets": targets,
            "matrix": check_matrix(raw, "quick" if quick and doc.get("quick") else "matrix")}


def cells(matrix):
    """Every (connections, pipeline, rate, threads) of the matrix, in file order."""
    return [dict(zip(LIST_KEYS, combo))
            for combo in itertools.product(*(matrix[k] for k in LIST_KEYS))]


def cell_id(target_name, cell, repeat):
    return (f"{target_name}_c{cell['connections']}_p{cell['pipeline']}_r{cell['rate']}"
            f"_t{cell['threads']}_{repeat + 1}")
