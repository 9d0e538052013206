"""Comparison plots of a sweep: one line per target (the median over repeats) with a min-max band.

Writes, in pixels at DPI 100: latency.png (p50 and p99 side by side, 1200x450), rps.png
(800x450), errors.png (800x450) and cpu.png (client and server side by side, 1200x450).
The x axis is connections (log scale when they span more than 10x). When the matrix varies
pipeline, rate or threads too, each combination is its own line ("nginx p10").
"""

import os

import matplotlib

matplotlib.use("Agg")  # files only: no display needed, same output everywhere
import matplotlib.pyplot as plt  # noqa: E402

SIZES = {"latency.png": (12, 4.5), "rps.png": (8, 4.5), "errors.png": (8, 4.5),
         "cpu.png": (12, 4.5)}
DPI = 100
VARIANT_KEYS = (("pipeline", "p"), ("rate", "R"), ("threads", "t"))


def number(value):
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def series_of(rows):
    """{label: {connections: [rows]}}; the label names what varies besides connections."""
    varying = [(k, short) for k, short in VARIANT_KEYS
               if len({str(r.get(k)) for r in rows}) > 1]
    out = {}
    for r in rows:
        label = " ".join([r["target"]] + [f"{short}{r[k]}" for k, short in varying])
        out.setdefault(label, {}).setdefault(int(r["connections"]), []).append(r)
    return out


def draw(ax, series, key, title, ylabel):
    drawn = False
    for label, by_conns in series.items():
        xs, mid, lo, hi = [], [], [], []
        for conns in sorted(by_conns):
            values = sorted(v for v in (number(r.get(key)) for r in by_conns[conns])
                            if v is not None)
            if not values:
                continue
            xs.append(conns)
            mid.append(values[len(values) // 2] if len(values) % 2 else
                       (values[len(values) // 2 - 1] + values[len(values) // 2]) / 2)
            lo.append(values[0])
            hi.append(values[-1])
        if not xs:
            continue
        (line,) = ax.plot(xs, mid, marker="o", label=label)
        ax.fill_between(xs, lo, hi, color=line.get_color(), alpha=0.2, linewidth=0)
        drawn = True
    all_x = [c for s in series.values() for c in s]
    if all_x and max(all_x) > 10 * min(all_x):
        ax.set_xscale("log")
    ax.set_title(title)
    ax.set_xlabel("connections")
    ax.set_ylabel(ylabel)
    ax.grid(True, alpha=0.3)
    ax.set_ylim(bottom=0)
    if drawn:
        ax.legend(fontsize="small")
    else:
        ax.text(0.5, 0.5, "no data", ha="center", va="center", transform=ax.transAxes)


def save(fig, out_dir, name):
    path = os.path.join(out_dir, name)
    fig.tight_layout()
    fig.savefig(path, dpi=DPI)
    plt.close(fig)
    return path


def plot_all(rows, out_dir):
    """Writes the four PNGs; returns their paths (in the order the summary shows them)."""
    series = series_of(rows)
    band = " (line: median of repeats, band: min-max)"
    paths = []
    fig, (a, b) = plt.subplots(1, 2, figsize=SIZES["latency.png"])
    draw(a, series, "p50_ms", "latency p50" + band, "ms")
    draw(b, series, "p99_ms", "latency p99", "ms")
    paths.append(save(fig, out_dir, "latency.png"))
    fig, ax = plt.subplots(figsize=SIZES["rps.png"])
    draw(ax, series, "rps", "requests/s" + band, "completed requests per second")
    paths.append(save(fig, out_dir, "rps.png"))
    fig, ax = plt.subplots(figsize=SIZES["errors.png"])
    draw(ax, series, "errors", "failed requests (measured window)", "requests")
    paths.append(save(fig, out_dir, "errors.png"))
    fig, (a, b) = plt.subplots(1, 2, figsize=SIZES["cpu.png"])
    draw(a, series, "client_cpu", "client CPU (ringfire)", "cores busy (mean over the run)")
    draw(b, series, "server_cpu", "server CPU (process tree)", "cores busy (mean over the run)")
    paths.append(save(fig, out_dir, "cpu.png"))
    return paths
