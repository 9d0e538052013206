"""The TLS and HTTP/2 peer comparison (vs_peers.py) as markdown: per case and client the medians
and spreads of responses/s and client CPU per response (user and system apart), the CPU shares,
handshakes per client CPU second and nginx's resumed share (handshake-per-request case), and
ringfire's ratios to each peer; "pending" where ringfire cannot run the case yet. The h2 mode adds
the HTTP/2-over-HTTP/1.1 rate of each client against the same nginx.
"""

import subprocess

from vs_wrk_table import dash, fmt_opt, median_of, ratio, spread

# The issues' aims for ringfire against its peers (issue 20: TLS, issue 22: HTTP/2).
AIM_TLS = ("Aims (issue 20): keep-alive CPU/resp ringfire/wrk ≤ 0.5; handshakes per client CPU "
           "second ringfire/wrk ≥ 1.2.")
AIM_H2 = "Aim (issue 22): h2c CPU/resp ringfire/h2load ≤ 0.5 at resp/s ringfire/h2load ≥ 1."


def tool_version(cmd):
    try:
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return f"{cmd[0]} unknown"
    return ((r.stdout or r.stderr).strip().splitlines() or [f"{cmd[0]} unknown"])[0]


def summarize(results):
    """One row per case and client (medians over the rounds); ringfire's row carries its ratios
    to each peer of the case: CPU per response, handshakes per CPU second, responses/s."""
    rows = []
    for case in results["cases"]:
        med = {}
        for client, runs in case["runs"].items():
            ok = [r for r in runs if r.get("ok")]
            med[client] = {k: median_of(runs, k) for k in
                           ("client_us_per_req", "rps", "handshakes_per_cpu_s")}
            pending = case.get("pending") if client == "ringfire" else None
            rows.append({
                "case": case["label"], "client": client, "pending": pending,
                "runs_ok": len(ok), "runs": len(runs),
                "rps": [r["rps"] for r in ok if r.get("rps") is not None],
                "us_per_req": [r["client_us_per_req"] for r in ok],
                "user_us_per_req": median_of(runs, "user_us_per_req"),
                "sys_us_per_req": median_of(runs, "sys_us_per_req"),
                "client_cpu_pct": median_of(runs, "client_cpu_pct"),
                "server_cpu_pct": median_of(runs, "server_cpu_pct"),
                "handshakes_per_cpu_s": med[client]["handshakes_per_cpu_s"],
                "resumed_pct": median_of(runs, "resumed_pct"),
                "cpu_ratio": {}, "hs_ratio": {}, "rps_ratio": {},
            })
        rf = med.get("ringfire")
        if rf and rows[-1]["client"] == "ringfire":
            for peer in (c for c in case["runs"] if c != "ringfire"):
                rows[-1]["cpu_ratio"][peer] = ratio(rf["client_us_per_req"],
                                                    med[peer]["client_us_per_req"])
                rows[-1]["hs_ratio"][peer] = ratio(rf["handshakes_per_cpu_s"],
                                                   med[peer]["handshakes_per_cpu_s"])
                rows[-1]["rps_ratio"][peer] = ratio(rf["rps"], med[peer]["rps"])
    return rows


def ratio_cell(row, key, peer):
    if row["client"] != "ringfire":
        return ""
    if row["pending"]:
        return "pending"
    return dash(row[key].get(peer))


def peers_of(results):
    seen = []
    for case in results["cases"]:
        seen += [c for c in case["runs"] if c != "ringfire" and c not in seen]
    return seen


def markdown(results):
    rows = summarize(results)
    peers = peers_of(results)
    handshakes = any(c.get("handshake") for c in results["cases"])
    heads = [f"CPU/resp ringfire/{p}" for p in peers]
    if handshakes:
        heads += [f"handshakes/CPU s ringfire/{p}" for p in peers]
    heads += [f"resp/s ringfire/{p}" for p in peers]
    lines = [
        "| case | client | resp/s median (min–max) | client µs CPU/resp median (min–max) | "
        "user µs/resp | sys µs/resp | client CPU % | server CPU % | "
        + ("handshakes per client CPU s | resumed % | " if handshakes else "")
        + " | ".join(heads) + " |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |" + (" --- | --- |" if handshakes else "")
        + " --- |" * len(heads),
    ]
    for r in rows:
        if r["pending"]:
            name = "ringfire (pending)"
        else:
            fail = "" if r["runs_ok"] == r["runs"] else f" ({r['runs'] - r['runs_ok']} failed)"
            name = r["client"] + fail
        cells = [ratio_cell(r, "cpu_ratio", p) for p in peers]
        if handshakes:
            cells += [ratio_cell(r, "hs_ratio", p) for p in peers]
        cells += [ratio_cell(r, "rps_ratio", p) for p in peers]
        lines.append(
            f"| {r['case']} | {name} | {spread(r['rps'], '{:,.0f}')} | "
            f"{spread(r['us_per_req'], '{:.2f}')} | {fmt_opt(r['user_us_per_req'], '.2f')} | "
            f"{fmt_opt(r['sys_us_per_req'], '.2f')} | {fmt_opt(r['client_cpu_pct'], '.0f')} | "
            f"{fmt_opt(r['server_cpu_pct'], '.0f')} | "
            + (f"{fmt_opt(r['handshakes_per_cpu_s'], ',.0f')} | "
               f"{fmt_opt(r['resumed_pct'], '.1f')} | " if handshakes else "")
            + " | ".join(cells) + " |")
    notes = sorted({c["pending"] for c in results["cases"] if c.get("pending")})
    lines += [""] + [f"ringfire pending: {n}." for n in notes] + [""] * bool(notes)
    lines += h2_over_h1(results) + suites(results) + [AIM_TLS if handshakes else AIM_H2]
    return "\n".join(lines)


def suites(results):
    """What nginx logged each client negotiating in the handshake case (all its rounds)."""
    out = []
    for case in results["cases"]:
        for client, runs in case["runs"].items():
            seen = {}
            for r in runs:
                for k, n in r.get("protocols", {}).items():
                    seen[k] = seen.get(k, 0) + n
            if seen:
                out.append(f"- {case['label']}, {client}: "
                           + ", ".join(f"{k} {n:,}" for k, n in sorted(seen.items())))
    return ["nginx's log, protocol and cipher per client:", ""] + out + [""] if out else []


def h2_over_h1(results):
    """Each client's HTTP/2 rate over its own HTTP/1.1 rate against the same nginx (h2 mode)."""
    h1 = next((c for c in results["cases"] if c.get("server") == "h1"), None)
    if not h1:
        return []
    out = []
    for case in results["cases"]:
        if not case.get("streams"):
            continue
        for client in case["runs"]:
            base = "h2load --h1" if client == "h2load" else client
            h2_rps = median_of(case["runs"][client], "rps")
            h1_rps = median_of(h1["runs"].get(base, []), "rps")
            if client == "ringfire" and case.get("pending"):
                out.append(f"- {case['label']}: ringfire h2/h1 rate pending ({case['pending']})")
                continue
            out.append(f"- {case['label']}: {client} h2 rate / {base} HTTP/1.1 rate = "
                       f"{dash(ratio(h2_rps, h1_rps))}")
    return ["HTTP/2 over HTTP/1.1 against the same nginx (median responses/s):", ""] + out + [""]
