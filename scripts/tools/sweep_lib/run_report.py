"""run.html for one ringfire JSON result: its configuration, totals, verdict and per-second
charts (requests/s, latency percentiles, errors/s, open connections), self-contained."""

import os
import tempfile

import matplotlib

matplotlib.use("Agg")  # files only: no display needed, same output everywhere
import matplotlib.pyplot as plt  # noqa: E402

from . import html  # noqa: E402

CHART_SIZE = (10, 3.2)  # inches at DPI 100: 1000x320 pixels
DPI = 100


def per_second(row, key):
    """A counter of one timeseries row as a rate: the row's interval is the sampler's dt when
    present (the first and last rows can be shorter than a second), else one second."""
    dt = (row.get("client") or {}).get("dt") or 1.0
    return (row.get(key) or 0) / dt


def chart(path, title, ylabel, xs, lines):
    fig, ax = plt.subplots(figsize=CHART_SIZE)
    for label, ys in lines:
        # Steps: each value covers the second before its x, the first one too.
        ax.plot([xs[0] - 1] + xs, [ys[0]] + ys, drawstyle="steps-pre", label=label)
    ax.set_title(title)
    ax.set_xlabel("seconds since the measured start (each value covers the second that ends there)")
    ax.set_ylabel(ylabel)
    ax.set_ylim(bottom=0)
    ax.grid(True, alpha=0.3)
    if len(lines) > 1:
        ax.legend(fontsize="small")
    fig.tight_layout()
    fig.savefig(path, dpi=DPI)
    plt.close(fig)
    return path


def charts(rows, out_dir):
    xs = [(r.get("t") or 0) + 1 for r in rows]  # rows are stamped at the end of their second
    lat = [(k, [((r.get("latency_us") or {}).get(k) or 0) / 1e3 for r in rows])
           for k in ("p50", "p90", "p99", "max")]
    return [
        chart(os.path.join(out_dir, "requests.png"), "completed requests per second", "req/s",
              xs, [("completed/s", [per_second(r, "completed") for r in rows])]),
        chart(os.path.join(out_dir, "latency.png"), "latency percentiles of each second", "ms",
              xs, lat),
        chart(os.path.join(out_dir, "errors.png"), "failed requests per second", "errors/s",
              xs, [("errors/s", [per_second(r, "errors") for r in rows]),
                   ("connect errors/s", [per_second(r, "connect_errors") for r in rows])]),
        chart(os.path.join(out_dir, "connections.png"), "open connections", "connections", xs,
              [("open", [r.get("connections") or 0 for r in rows])]),
    ]


def totals_pairs(result):
    t, lat = result.totals, result.latency
    ms = lambda ns: "n/a" if ns is None else f"{ns / 1e6:.3f} ms"  # noqa: E731
    errors = ", ".join(f"{k} {v}" for k, v in result.errors.items() if v) or "none"
    status = ", ".join(f"{k} {v}" for k, v in result.status.items() if v) or "none"
    return [("requests/s", f"{result.rps:.1f}"),
            ("sent / completed / failed / in flight",
             f"{t.get('sent')} / {t.get('completed')} / {t.get('failed')} / {t.get('in_flight')}"),
            ("latency p50 / p90 / p99 / max",
             f"{ms(lat.percentile('50'))} / {ms(lat.percentile('90'))} / "
             f"{ms(lat.percentile('99'))} / {ms(lat.max)}"),
            ("errors by class", errors), ("responses by status", status)]


def write_report(result, out_path):
    """run.html of result (a ringfire_result.Result) at out_path."""
    rows = result.seconds
    cfg = result.config
    verdict = result.verdict
    version = html.esc(result.version)
    parts = [f'<p class="note">From {html.esc(result.path)}; ringfire {version}.</p>']
    parts.append("<h2>Verdict</h2>" + f"<p>{html.esc(verdict.get('summary', 'none'))}</p>"
                 + "".join(f"<p class=note>{html.esc(r)}</p>" for r in verdict.get("reasons", [])))
    parts.append("<h2>Totals (measured window)</h2>" + html.key_values(totals_pairs(result)))
    parts.append("<h2>Configuration</h2>" + html.key_values(sorted(cfg.items())))
    with tempfile.TemporaryDirectory() as tmp:
        pngs = charts(rows, tmp) if rows else []
        parts.append("<h2>Per second</h2>" + ("".join(html.image(p, os.path.basename(p))
                                                      for p in pngs) or "<p>no timeseries</p>"))
    with open(out_path, "w", encoding="utf-8") as f:
        f.write(html.page(f"ringfire run: {cfg.get('url', '')}", "\n".join(parts)))
