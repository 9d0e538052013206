"""Checks a tiny sweep's results folder: CSV columns, counts against the servers' own, PNGs and
HTML (and browser screenshots of it, when given).
  sweep_check.py OUT_DIR RUN_HTML [SCREENSHOT.png ...]"""

import base64
import csv
import io
import re
import sys

import matplotlib.image

COLUMNS = ("target,connections,pipeline,rate,threads,repeat,rps,p50_ms,p90_ms,p99_ms,max_ms,sent,"
           "completed,errors,err_connect,err_read,err_write,err_timeout,err_parse,err_closed,"
           "err_unsolicited,err_after_close,status_4xx,status_5xx,client_cpu,server_cpu,"
           "sent_total,completed_total,served,verdict,json").split(",")
PNGS = {"latency.png": (450, 1200), "rps.png": (450, 800), "errors.png": (450, 800),
        "cpu.png": (450, 1200)}  # (height, width) at DPI 100


def check_png(data, name, shape=None):
    """Decodes, has the expected size and is not blank (pixel variance)."""
    pixels = matplotlib.image.imread(io.BytesIO(data), format="png")
    if shape is not None:
        assert pixels.shape[:2] == shape, (name, pixels.shape, shape)
    assert pixels.std() > 0.02, (name, "blank", pixels.std())


def main():
    out, run_html, shots = sys.argv[1], sys.argv[2], sys.argv[3:]
    with open(f"{out}/results.csv", newline="") as f:
        reader = csv.DictReader(f)
        assert reader.fieldnames == COLUMNS, reader.fieldnames
        rows = list(reader)
    assert [(r["target"], r["connections"]) for r in rows] == [
        ("ringfire-target", "2"), ("ringfire-target", "8"), ("nginx", "2"), ("nginx", "8")], rows
    for r in rows:
        name = f"{r['target']} c={r['connections']}"
        sent, completed, served = (int(r[k]) for k in ("sent_total", "completed_total", "served"))
        # The server answered every response ringfire completed, and no request it never sent;
        # requests in flight when the run ended may have been answered or not.
        assert 0 < completed <= served <= sent, (name, completed, served, sent)
        assert int(r["errors"]) == 0 and float(r["rps"]) > 0, (name, r)
        assert float(r["p50_ms"]) <= float(r["p99_ms"]) <= float(r["max_ms"]), (name, r)
        assert float(r["client_cpu"]) > 0 and float(r["server_cpu"]) > 0, (name, r)
        assert r["verdict"], name
        print(f"{name}: ringfire completed {completed} <= server served {served} <= sent {sent}")
    for name, shape in PNGS.items():
        with open(f"{out}/{name}", "rb") as f:
            check_png(f.read(), name, shape)
    for page, count in ((f"{out}/summary.html", len(PNGS)), (run_html, 4)):
        with open(page, encoding="utf-8") as f:
            text = f.read()
        images = re.findall(r'src="data:image/png;base64,([^"]+)"', text)
        assert len(images) == count, (page, len(images))
        for i, data in enumerate(images):
            check_png(base64.b64decode(data), f"{page} image {i}")
        # Self-contained: nothing to fetch.
        assert not re.search(r'(src|href)="(https?:)?//', text), page
    assert "nginx/" in open(f"{out}/summary.html", encoding="utf-8").read()  # its version
    for shot in shots:
        with open(shot, "rb") as f:
            check_png(f.read(), shot)
        print(f"browser screenshot {shot}: not blank")
    print(f"checked {len(rows)} rows, {len(PNGS)} PNGs, 2 HTML pages, {len(shots)} screenshots")


if __name__ == "__main__":
    main()
