"""The wrk comparison's results as a table: per case and client the medians and spreads of req/s,
client CPU per request, syscalls per request and CPU shares, ringfire's ratio to wrk, the
1-connection latency beside the blocking ping-pong, and the strace breakdown by syscall name.
"""

import statistics

from vs_wrk_clients import LATENCY_CLIENTS


def spread(values, fmt):
    if not values:
        return "n/a"
    med = statistics.median(values)
    if len(values) == 1:
        return fmt.format(med)
    return f"{fmt.format(med)} ({fmt.format(min(values))}–{fmt.format(max(values))})"


def median_of(runs, key):
    vals = [r[key] for r in runs if r.get("ok") and r.get(key) is not None]
    return statistics.median(vals) if vals else None


def summarize(results):
    rows = []
    for case in results["cases"]:
        med, core = {}, {}
        for client in ("wrk", "ringfire"):
            runs = case["runs"][client]
            med[client] = median_of(runs, "client_us_per_req")
            core[client] = median_of(runs, "core_us_per_req")
            ok = [r for r in runs if r.get("ok")]
            sc = case["syscalls"].get(client, {}).get("syscalls_per_req")
            steady = case["syscalls"].get(client, {}).get("steady_syscalls_per_req")
            row = {
                "case": case["label"],
                "client": client,
                "runs_ok": len(ok),
                "runs": len(runs),
                "rps": [r["rps"] for r in ok],
                "us_per_req": [r["client_us_per_req"] for r in ok],
                "client_cpu_pct": median_of(runs, "client_cpu_pct"),
                "server_cpu_pct": median_of(runs, "server_cpu_pct"),
                "core_us_per_req": core[client],
                "core_ratio": None,
                "syscalls_per_req": sc,
                "steady_syscalls_per_req": steady,
                "ratio": None,
            }
            rows.append(row)
        if med["wrk"] and med["ringfire"]:
            rows[-1]["ratio"] = med["ringfire"] / med["wrk"]
        if core["wrk"] and core["ringfire"]:
            rows[-1]["core_ratio"] = core["ringfire"] / core["wrk"]
    return rows


def markdown(results):
    rows = summarize(results)
    lines = [
        "| case | client | req/s median (min–max) | client µs CPU/req median (min–max) | "
        "syscalls/req whole run | steady state | client CPU % | server CPU % | "
        "CPU/req ringfire/wrk | client core µs busy/req | core/req ringfire/wrk |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for r in rows:
        fail = "" if r["runs_ok"] == r["runs"] else f" ({r['runs'] - r['runs_ok']} failed)"
        lines.append(
            f"| {r['case']} | {r['client']}{fail} | {spread(r['rps'], '{:,.0f}')} | "
            f"{spread(r['us_per_req'], '{:.2f}')} | "
            f"{fmt_opt(r['syscalls_per_req'], '.3f')} | "
            f"{fmt_opt(r['steady_syscalls_per_req'], '.3f')} | "
            f"{fmt_opt(r['client_cpu_pct'], '.0f')} | {fmt_opt(r['server_cpu_pct'], '.0f')} | "
            f"{'—' if r['ratio'] is None else format(r['ratio'], '.2f')} | "
            f"{fmt_opt(r['core_us_per_req'], '.2f')} | "
            f"{'—' if r['core_ratio'] is None else format(r['core_ratio'], '.2f')} |")
    lat = results.get("latency")
    if lat:
        lines += ["", f"Light load, 1 connection against {lat['server']} (no delay):", "",
                  "| client | p50 median (min–max) | req/s median | client µs CPU/req median |",
                  "| --- | --- | --- | --- |"]
        p50 = {}
        for client in LATENCY_CLIENTS:
            ok = [r for r in lat["runs"].get(client, []) if r.get("ok") and r.get("p50_ns")]
            p50[client] = median_of(ok, "p50_ns")
            name = "blocking ping-pong (ringfire-pingpong)" if client == "pingpong" else client
            lines.append(
                f"| {name} | {spread([r['p50_ns'] / 1000 for r in ok], '{:.1f} µs')} | "
                f"{fmt_opt(median_of(ok, 'rps'), ',.0f')} | "
                f"{fmt_opt(median_of(ok, 'client_us_per_req'), '.2f')} |")
        if p50.get("pingpong") and p50.get("ringfire"):
            gap = (p50["ringfire"] - p50["pingpong"]) / 1000
            lines += ["", f"ringfire's p50 minus the blocking ping-pong's: {gap:+.1f} µs "
                      f"(target: within 20 µs) — {'met' if gap <= 20 else 'NOT met'}."]
    top = syscall_breakdown(results)
    if top:
        lines += ["", "Syscalls per request by name (strace -c -f, separate short runs; "
                  "includes connection setup):", ""] + top
    return "\n".join(lines)


def syscall_breakdown(results, limit=6):
    out = []
    for case in results["cases"]:
        for client in ("wrk", "ringfire"):
            per = case["syscalls"].get(client, {}).get("strace_per_req")
            if not per:
                continue
            items = [f"{k} {v:.3g}" for k, v in list(per.items())[:limit]]
            out.append(f"- {case['label']}, {client}: " + ", ".join(items))
    return out


def fmt_opt(v, spec):
    return "n/a" if v is None else format(v, spec)
