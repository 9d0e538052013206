"""summary.html of a sweep: what ran, on what machine, with which versions, the table of every
run with its verdict, and the comparison plots, in one self-contained file."""

import os

import ringfire_result

from . import html

TABLE_COLUMNS = ("target", "connections", "pipeline", "rate", "threads", "repeat", "rps",
                 "p50_ms", "p90_ms", "p99_ms", "max_ms", "errors", "status_5xx", "client_cpu",
                 "server_cpu", "served", "verdict")


def ringfire_version(rows):
    """ringfire's version as its own JSON results state it."""
    for r in rows:
        try:
            return ringfire_result.load(r.get("json") or "").version
        except ringfire_result.ResultError:
            continue
    return "unknown"


def bad_row(row):
    verdict = row.get("verdict") or ""
    return row.get("rps") in (None, "") or "died" in verdict or verdict.startswith("not run")


def write_summary(out_dir, meta, rows, pngs):
    m, host = meta["matrix"], meta["machine"]
    parts = []
    if meta.get("description"):
        parts.append(f"<p>{html.esc(meta['description'])}</p>")
    if meta.get("interrupted"):
        parts.append('<p class="note"><b>Interrupted</b>: only the finished runs are shown.</p>')
    parts.append("<h2>Machine</h2>" + html.key_values([
        ("CPU", host["cpu_model"]), ("cores", f"{host['cores']} ({host['usable_cores']} usable)"),
        ("kernel", host["kernel"]), ("memory", f"{host['memory_GB']} GB"),
        ("load average at start", host["loadavg_1m_at_start"]), ("started", meta["started"]),
        ("finished", meta["finished"])]))
    parts.append("<h2>Versions</h2>" + html.key_values(
        [("ringfire", meta["ringfire"]["version"])]
        + [(name, v or "(no version command)") for name, v in meta["versions"].items()]))
    parts.append("<h2>Targets</h2>" + html.table(
        ("name", "url", "command", "description"), meta["targets"],
        text_columns=("name", "url", "command", "description")))
    parts.append("<h2>Matrix</h2>" + html.key_values([
        (k, m[k]) for k in ("connections", "pipeline", "rate", "threads", "duration", "warmup",
                            "cooldown", "repeats", "timeout", "args")]))
    parts.append("<h2>Plots</h2>" + "".join(html.image(p, os.path.basename(p)) for p in pngs))
    parts.append("<h2>Every run</h2>" + '<p class="note">Latency in ms over the measured window; '
                 "CPU in cores busy on average over the whole run; served: the server's own "
                 "count of responses for this run, when the target states one. One run's "
                 "per-second charts: <code>scripts/tools/report runs/RUN.json -o run.html</code>."
                 "</p>"
                 + html.table(TABLE_COLUMNS, rows, text_columns=("target", "verdict"),
                              bad=bad_row))
    path = os.path.join(out_dir, "summary.html")
    with open(path, "w", encoding="utf-8") as f:
        f.write(html.page(f"ringfire sweep: {meta['experiment']}", "\n".join(parts)))
    return path
