#!/usr/bin/env python3
"""The Kubernetes Indexed Job's commands, run here: the container's command and args are read from
deploy/kubernetes/ringfire-job.yaml and expanded as the kubelet would for each completion index,
with only the lines the manifest marks EDIT given test values (the target becomes the bundled
ringfire-target on loopback, the load a short one). The N processes run at once, as the pods
would, each printing its JSON on stdout; `ringfire merge` must then take them as one run whose
counts are the sum of the shards' and whose shards are all there.
  deploy_local_run_test.py RINGFIRE RINGFIRE_TARGET SOURCE_DIR
"""

import json
import os
import re
import subprocess
import sys
import tempfile
import time

import yaml

from script_tests import run_tests, start_target

RINGFIRE, TARGET, SOURCE = sys.argv[1:4]
MANIFEST = os.path.join(SOURCE, "deploy", "kubernetes", "ringfire-job.yaml")

# The manifest's EDIT values, replaced for a short run on this machine: the load's options keep
# their place in the command, only their values change.
TEST_VALUES = {"-c": "6", "-d": "1s", "-t": "1"}


def expand(word, values):
    """Kubernetes' $(VAR) expansion in command and args."""
    return re.sub(r"\$\(([A-Za-z_][A-Za-z0-9_]*)\)", lambda m: values[m[1]], word)


def pod_commands(url, start_at):
    with open(MANIFEST) as f:
        doc = yaml.safe_load(f)
    shards = doc["spec"]["completions"]
    c = doc["spec"]["template"]["spec"]["containers"][0]
    env = {e["name"]: e.get("value") for e in c["env"]}
    words = list(c["command"] + c["args"])
    for i, w in enumerate(words[:-1]):
        if w in TEST_VALUES:
            words[i + 1] = TEST_VALUES[w]
    commands = []
    for index in range(shards):
        values = dict(env, JOB_COMPLETION_INDEX=str(index), START_AT=str(start_at),
                      TARGET_URL=url)
        line = [expand(w, values) for w in words]
        assert line[0] == "ringfire", line
        commands.append([RINGFIRE] + line[1:])
    return shards, commands


def test_manifest_commands_run_locally_and_merge():
    server, url = start_target(TARGET)
    try:
        start_at = int(time.time()) + 2  # whole seconds, as `date +%s` gives the Job
        shards, commands = pod_commands(url, start_at)
        assert shards >= 2, shards
        with tempfile.TemporaryDirectory() as tmp:
            pods = [subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                    for cmd in commands]
            files = []
            for i, pod in enumerate(pods):
                out, err = pod.communicate(timeout=60)
                assert pod.returncode == 0, (commands[i], pod.returncode, err)
                result = json.loads(out)  # stdout is the JSON alone, as kubectl logs gives it
                assert result["sources"][0]["shard"] == {"index": i, "count": shards}, result
                path = os.path.join(tmp, f"shard-{i}.json")
                with open(path, "w") as f:
                    f.write(out)
                files.append((path, result))
            merged_path = os.path.join(tmp, "all.json")
            merge = subprocess.run([RINGFIRE, "merge"] + [p for p, _ in files] +
                                   ["-o", merged_path], capture_output=True, text=True, timeout=60)
            assert merge.returncode == 0, merge.stderr
            with open(merged_path) as f:
                merged = json.load(f)
        for key in ("sent", "completed"):
            assert merged["totals"][key] == sum(r["totals"][key] for _, r in files), key
        assert merged["totals"]["completed"] > 0, merged["totals"]
        assert merged["merge"]["shards"] == shards, merged["merge"]
        assert merged["connections"]["planned"] == int(TEST_VALUES["-c"]), merged["connections"]
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    sys.exit(run_tests([test_manifest_commands_run_locally_and_merge]))
