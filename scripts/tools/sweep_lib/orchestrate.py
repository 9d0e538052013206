"""Runs a whole experiment: set-up and preflight of every target, then every cell, target by
target, writing results.csv after each cell so that an interrupted sweep keeps what it finished.
"""

import json
import os
import shutil
import time

from . import experiment, results
from .runner import run_cell
from .targets import Target, TargetError, check_port_free, expand


def log(text):
    try:
        print(f"sweep: {text}", flush=True)
    except OSError:  # stdout closed (piped to head): the sweep goes on, its files are the output
        pass


class Sweep:
    def __init__(self, exp, out_dir, ringfire, values):
        self.exp, self.out_dir, self.ringfire = exp, out_dir, ringfire
        self.runs_dir = os.path.join(out_dir, "runs")
        os.makedirs(self.runs_dir, exist_ok=True)
        self.rows = []
        self.versions = {}
        self.interrupted = False
        # Literal ports are checked before anything starts: a clash is a bad experiment file.
        for spec in exp["targets"]:
            check_port_free(spec["name"], spec["url"])
        self.targets = [Target(spec, values, os.path.join(out_dir, "targets", spec["name"]))
                        for spec in exp["targets"]]

    def preflight(self):
        """Set-up, then start every target at once and wait until each answers: a server that
        never starts fails the sweep before any cell runs. All but the first are stopped again
        (they would take CPU from the one under load); the first goes on to its cells."""
        for t in self.targets:
            t.setup()
        try:
            for t in self.targets:
                t.launch()
            for t in self.targets:
                t.wait_ready()
                version = self.versions[t.name] = t.version()
                log(f"{t.name}: answers at {t.url} ({time.monotonic() - t.launched:.1f} s "
                    "after start)" + (f", {version}" if version else ""))
        except BaseException:
            for t in self.targets:
                t.stop()
            raise
        for i, t in enumerate(self.targets):
            if i > 0 or t.spec.get("restart") == "per_cell":
                t.stop()

    def run(self):
        m = self.exp["matrix"]
        todo = [(t, c, r) for t in self.targets for c in experiment.cells(m)
                for r in range(m["repeats"])]
        log(f"{len(todo)} runs of {m['warmup_s']:g} s warm-up + {m['duration_s']:g} s, "
            f"about {len(todo) * (m['warmup_s'] + m['duration_s'] + m['cooldown_s'] + 0.5):.0f} s")
        try:
            for t in self.targets:
                self.run_target(t, [(c, r) for tt, c, r in todo if tt is t])
        except KeyboardInterrupt:
            self.interrupted = True
            log(f"interrupted: stopping servers, keeping the {len(self.rows)} finished runs")
        finally:
            for t in self.targets:
                t.stop()
            results.write_csv(self.csv_path(), self.rows)

    def csv_path(self):
        return os.path.join(self.out_dir, "results.csv")

    def run_target(self, t, runs):
        per_cell = t.spec.get("restart") == "per_cell"
        m = self.exp["matrix"]
        for i, (cell, repeat) in enumerate(runs):
            note = self.ensure_started(t)
            if note is not None:
                row = dict(cell, target=t.name, repeat=repeat + 1, verdict=note)
            else:
                cid = experiment.cell_id(t.name, cell, repeat)
                run = run_cell(self.ringfire, t, cell, m, self.runs_dir, cid)
                if per_cell:
                    t.stop()
                    count = t.exit_line_count()
                    run["served"] = None if count is None else count - t.probes_answered
                row = results.row_of(t.name, cell, repeat, run)
            self.rows.append(row)
            results.write_csv(self.csv_path(), self.rows)
            log(f"{t.name} c={cell['connections']} p={cell['pipeline']} R={cell['rate']} "
                f"t={cell['threads']} #{repeat + 1}: {row.get('rps', '-')} req/s, "
                f"p99 {row.get('p99_ms', '-')} ms, errors {row.get('errors', '-')}"
                f" | {row.get('verdict', '')[:100]}")
            if i + 1 < len(runs) and m["cooldown_s"] > 0:
                time.sleep(m["cooldown_s"])
        t.stop()

    def ensure_started(self, t):
        """None when t is up (restarting one that died); else why this cell did not run."""
        if t.alive():
            return None
        if t.broken:
            return t.broken
        t.stop()  # reaps one that died; nothing when it was not running
        try:
            t.start()
        except TargetError as e:
            t.broken = f"not run: {e}"
            return t.broken
        return None

    def write_meta(self, machine, argv, started, ringfire_version):
        meta = {"experiment": self.exp["name"], "description": self.exp["description"],
                "argv": argv, "started": started, "finished": time.strftime("%Y-%m-%d %H:%M:%S"),
                "interrupted": self.interrupted, "machine": machine,
                "ringfire": {"path": self.ringfire, "version": ringfire_version},
                "versions": self.versions, "matrix": self.exp["matrix"],
                "targets": [{"name": t.name, "command": t.command(), "url": t.url,
                             "description": expand(t.spec.get("description", ""), t.values)}
                            for t in self.targets]}
        with open(os.path.join(self.out_dir, "meta.json"), "w", encoding="utf-8") as f:
            json.dump(meta, f, indent=2)
        return meta


def copy_experiment(path, out_dir):
    shutil.copy(path, os.path.join(out_dir, "experiment.json"))
