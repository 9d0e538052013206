"""One results.csv row per cell and repeat, from ringfire's JSON and the sysmon samples.

Latencies are milliseconds from ringfire's latency histogram (measured window). CPU figures are
cores busy on average over the whole ringfire run, warm-up included, on both sides: the client's
from the kernel's rusage of the ringfire process, the server's from /proc of the server process
and its descendants read just before ringfire starts and just after it exits (CPU seconds / wall
seconds of that run). scripts/tools/sysmon's samples of the server (runs/*.sysmon.jsonl) give
the same over time. sent_total and completed_total add the warm-up to the measured window:
what the server saw from this cell, to hold against "served", the server's own count
(blank when the target has no "served").
"""

import csv

import ringfire_result

ERROR_CLASSES = ("connect", "read", "write", "timeout", "parse", "closed", "unsolicited",
                 "after_close")
COLUMNS = (["target", "connections", "pipeline", "rate", "threads", "repeat", "rps",
            "p50_ms", "p90_ms", "p99_ms", "max_ms", "sent", "completed", "errors"]
           + [f"err_{c}" for c in ERROR_CLASSES]
           + ["status_4xx", "status_5xx", "client_cpu", "server_cpu", "sent_total",
              "completed_total", "served", "verdict", "json"])


def read_result(path):
    """The run's Result, or None when ringfire left no valid one (killed mid-write, ...)."""
    try:
        return ringfire_result.load(path)
    except ringfire_result.ResultError:
        return None


def ms(ns):
    return None if ns is None else round(ns / 1e6, 3)


def verdict_of(run, result, target_name):
    notes = []
    if not run["server_alive"]:
        notes.append(f"server {target_name} died (exit status {run['server_status']})")
    if result is None:
        notes.append("no result: ringfire " + ("timed out" if run["status"] is None else
                                               f"exit {run['status']}: {run['stderr']}"))
        return "; ".join(notes)
    outcome = result.run.get("outcome") or {}
    if outcome.get("kind", "ok") != "ok":
        notes.append(f"{outcome.get('kind')}: {outcome.get('reason', '')}".strip())
    summary = result.verdict_summary
    if summary:
        notes.append(summary)
    if run["status"] not in (0, None) and not notes:
        notes.append(f"ringfire exit {run['status']}")
    return "; ".join(notes)


def row_of(target_name, cell, repeat, run):
    result = read_result(run["json"]) if run["json"] else None
    row = dict(cell, target=target_name, repeat=repeat + 1, json=run["json"] or "",
               client_cpu=round(run["client_cpu_s"] / run["wall_s"], 3) if run["wall_s"] else None,
               server_cpu=(round(run["server_cpu_s"] / run["wall_s"], 3)
                           if run["wall_s"] and run["server_cpu_s"] is not None else None),
               served=run["served"],
               verdict=verdict_of(run, result, target_name))
    if result is None:
        return row
    totals, warm = result.totals, result.warmup
    # No completed request: no latency (the histogram's zeros are not a measurement).
    latency = result.latency
    row.update(
        rps=round(result.rps, 1),
        p50_ms=ms(latency.percentile("50")), p90_ms=ms(latency.percentile("90")),
        p99_ms=ms(latency.percentile("99")), max_ms=ms(latency.max),
        sent=totals.get("sent"), completed=totals.get("completed"), errors=totals.get("failed"),
        status_4xx=result.status.get("4xx"), status_5xx=result.status.get("5xx"),
        sent_total=result.sent + warm.get("sent", 0),
        completed_total=result.completed + warm.get("completed", 0))
    for c in ERROR_CLASSES:
        row[f"err_{c}"] = result.errors.get(c, 0)
    return row


def write_csv(path, rows):
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=COLUMNS, extrasaction="ignore")
        w.writeheader()
        for row in rows:
            w.writerow({k: ("" if row.get(k) is None else row.get(k)) for k in COLUMNS})


def read_csv(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))
