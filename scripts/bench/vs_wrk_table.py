"""The wrk comparison's results as a table: per case and client the medians and spreads of req/s,
client CPU per request (and its user and kernel parts), syscalls per request and CPU shares,
ringfire's ratios to each peer (wrk, gcannon) beside the issue's bounds, the
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


# The issue's acceptance bounds for ringfire against its peers, case by case.
MAX_CPU_RATIO = {"wrk": 0.30, "gcannon": 0.40}
MIN_RPS_RATIO = 1.0


def clients_of(case):
    """The closed-loop clients of a case, in run order (ringfire last)."""
    return list(case["runs"])


def peers_of(case):
    return [c for c in clients_of(case) if c != "ringfire"]


def ratio(num, den):
    return num / den if num and den else None


def summarize(results):
    """One row per case and client: medians over the rounds; ringfire's row carries its ratios to
    each peer (CPU per response, core per response) and its responses/s over the best peer's."""
    rows = []
    for case in results["cases"]:
        med, core, rps = {}, {}, {}
        for client in clients_of(case):
            runs = case["runs"][client]
            med[client] = median_of(runs, "client_us_per_req")
            core[client] = median_of(runs, "core_us_per_req")
            rps[client] = median_of(runs, "rps")
            ok = [r for r in runs if r.get("ok")]
            sc = case["syscalls"].get(client, {})
            rows.append({
                "case": case["label"],
                "client": client,
                "runs_ok": len(ok),
                "runs": len(runs),
                "rps": [r["rps"] for r in ok],
                "us_per_req": [r["client_us_per_req"] for r in ok],
                "user_us_per_req": median_of(runs, "user_us_per_req"),
                "sys_us_per_req": median_of(runs, "sys_us_per_req"),
                "client_cpu_pct": median_of(runs, "client_cpu_pct"),
                "server_cpu_pct": median_of(runs, "server_cpu_pct"),
                "core_us_per_req": core[client],
                "syscalls_per_req": sc.get("syscalls_per_req"),
                "steady_syscalls_per_req": sc.get("steady_syscalls_per_req"),
                "ratio": {}, "core_ratio": {}, "rps_ratio_best_peer": None,
            })
        if "ringfire" in med:
            last = rows[-1]
            for peer in peers_of(case):
                last["ratio"][peer] = ratio(med["ringfire"], med[peer])
                last["core_ratio"][peer] = ratio(core["ringfire"], core[peer])
            best = max((rps[p] for p in peers_of(case) if rps[p]), default=None)
            last["rps_ratio_best_peer"] = ratio(rps["ringfire"], best)
    return rows


def all_peers(results):
    seen = []
    for case in results["cases"]:
        seen += [p for p in peers_of(case) if p not in seen]
    return seen


def markdown(results):
    rows = summarize(results)
    peers = all_peers(results)
    cpu_cols = " | ".join(f"CPU/req ringfire/{p}" for p in peers)
    core_cols = " | ".join(f"core/req ringfire/{p}" for p in peers)
    lines = [
        "| case | client | req/s median (min–max) | client µs CPU/req median (min–max) | "
        "user µs/req | sys µs/req | syscalls/req whole run | steady state | client CPU % | "
        f"server CPU % | client core µs busy/req | {cpu_cols} | {core_cols} | "
        "req/s ringfire/best peer |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"
        + " --- |" * (2 * len(peers) + 1),
    ]
    for r in rows:
        fail = "" if r["runs_ok"] == r["runs"] else f" ({r['runs'] - r['runs_ok']} failed)"
        lines.append(
            f"| {r['case']} | {r['client']}{fail} | {spread(r['rps'], '{:,.0f}')} | "
            f"{spread(r['us_per_req'], '{:.2f}')} | "
            f"{fmt_opt(r['user_us_per_req'], '.2f')} | {fmt_opt(r['sys_us_per_req'], '.2f')} | "
            f"{fmt_opt(r['syscalls_per_req'], '.3f')} | "
            f"{fmt_opt(r['steady_syscalls_per_req'], '.3f')} | "
            f"{fmt_opt(r['client_cpu_pct'], '.0f')} | {fmt_opt(r['server_cpu_pct'], '.0f')} | "
            f"{fmt_opt(r['core_us_per_req'], '.2f')} | "
            + " | ".join(dash(r["ratio"].get(p)) for p in peers) + " | "
            + " | ".join(dash(r["core_ratio"].get(p)) for p in peers) + " | "
            + f"{dash(r['rps_ratio_best_peer'])} |")
    lines += [""] + acceptance(rows, peers)
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
        for client in clients_of(case):
            per = case["syscalls"].get(client, {}).get("strace_per_req")
            if not per:
                continue
            items = [f"{k} {v:.3g}" for k, v in list(per.items())[:limit]]
            out.append(f"- {case['label']}, {client}: " + ", ".join(items))
    return out


def acceptance(rows, peers):
    """ringfire's ratios beside the issue's bounds, one line per case: what holds, what not."""
    heads = [f"CPU/resp ÷ {p} (≤ {MAX_CPU_RATIO[p]:.2f})" for p in peers if p in MAX_CPU_RATIO]
    out = ["ringfire against the bounds (medians; ✓ holds, ✗ does not):", "",
           "| case | ringfire µs CPU/resp | " + " | ".join(heads)
           + f" | resp/s ÷ best peer (≥ {MIN_RPS_RATIO:.1f}) |",
           "| --- | --- |" + " --- |" * (len(heads) + 1)]
    for r in rows:
        if r["client"] != "ringfire":
            continue
        us = statistics.median(r["us_per_req"]) if r["us_per_req"] else None
        cells = [check(r["ratio"].get(p), MAX_CPU_RATIO[p], below=True)
                 for p in peers if p in MAX_CPU_RATIO]
        cells.append(check(r["rps_ratio_best_peer"], MIN_RPS_RATIO, below=False))
        out.append(f"| {r['case']} | {fmt_opt(us, '.2f')} | " + " | ".join(cells) + " |")
    return out


def check(value, bound, below):
    if value is None:
        return "—"
    ok = value <= bound if below else value >= bound
    return f"{value:.2f} {'✓' if ok else '✗'}"


def dash(v):
    return "—" if v is None else format(v, ".2f")


def fmt_opt(v, spec):
    return "n/a" if v is None else format(v, spec)
