#!/usr/bin/env python3
"""The deployment recipes of deploy/: the Kubernetes Indexed Job parsed as YAML (the fields the
recipe relies on), decoded by kubectl into the typed Job offline, and dry-run against an API
server when one answers; its container command read back with the Job controller's index put in.
deploy/ssh/run-shards.sh run against fake ssh and fake ringfire (every host this machine):
each host gets its index and the one start instant, arguments survive two shells, the results
land in their files, and the merge names them all — with GNU parallel and without.
  deploy_test.py SOURCE_DIR
Prints "N passed, M failed" and why a part was skipped; exits 1 on any failure.
"""

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

import yaml

from script_tests import run_tests

SOURCE = sys.argv[1]
MANIFEST = os.path.join(SOURCE, "deploy", "kubernetes", "ringfire-job.yaml")
RUN_SHARDS = os.path.join(SOURCE, "deploy", "ssh", "run-shards.sh")


def job():
    with open(MANIFEST) as f:
        return yaml.safe_load(f)


def container(doc):
    containers = doc["spec"]["template"]["spec"]["containers"]
    assert len(containers) == 1, containers
    return containers[0]


def env_of(c):
    return {e["name"]: e for e in c["env"]}


def expand(word, values):
    """Kubernetes' $(VAR) expansion in command and args (an unknown one stays as written)."""
    return re.sub(r"\$\(([A-Za-z_][A-Za-z0-9_]*)\)", lambda m: values.get(m[1], m[0]), word)


def test_indexed_job_runs_all_shards_at_once():
    doc = job()
    assert doc["apiVersion"] == "batch/v1" and doc["kind"] == "Job", doc
    spec = doc["spec"]
    assert spec["completionMode"] == "Indexed", spec
    assert spec["parallelism"] == spec["completions"], spec
    shards = env_of(container(doc))["SHARDS"]["value"]
    assert int(shards) == spec["completions"], (shards, spec["completions"])
    assert spec["template"]["spec"]["restartPolicy"] == "Never"
    assert spec.get("backoffLimit") == 0, "a rerun shard would measure another window"
    assert spec.get("activeDeadlineSeconds", 0) > 0, "the Job must be bounded in time"


def test_generators_avoid_each_other():
    pod = job()["spec"]["template"]
    terms = pod["spec"]["affinity"]["podAntiAffinity"][
        "requiredDuringSchedulingIgnoredDuringExecution"]
    assert terms, "no anti-affinity term"
    labels = pod["metadata"]["labels"]
    for term in terms:
        assert term["topologyKey"] == "kubernetes.io/hostname", term
        # The selector matches the generators themselves.
        for key, value in term["labelSelector"]["matchLabels"].items():
            assert labels.get(key) == value, (key, value, labels)


def test_requests_equal_limits_in_whole_cpus():
    c = container(job())
    requests, limits = c["resources"]["requests"], c["resources"]["limits"]
    assert requests == limits, (requests, limits)
    assert set(requests) >= {"cpu", "memory"}, requests
    cpus = str(requests["cpu"])
    assert cpus.isdigit(), f"cpu {cpus}: the static CPU manager pins whole CPUs only"
    args = c["args"]
    assert args[args.index("-t") + 1] == cpus, "-t is not the CPU limit"


def test_command_takes_its_shard_from_the_completion_index():
    doc = job()
    c = container(doc)
    env = env_of(c)
    index = env["JOB_COMPLETION_INDEX"]["valueFrom"]["fieldRef"]["fieldPath"]
    assert index == "metadata.annotations['batch.kubernetes.io/job-completion-index']", index
    assert "START_AT" in env, env
    words = c["command"] + c["args"]
    assert words[0] == "ringfire", words
    shard = words[words.index("--shard") + 1]
    assert "$(JOB_COMPLETION_INDEX)" in shard, shard
    assert words[words.index("--start-at") + 1] == "$(START_AT)", words
    assert words[words.index("--json") + 1] == "-", "the result is not on stdout"
    assert "--quiet" in words, "the text report would be mixed into the JSON of kubectl logs"
    # As the Job controller and the kubelet make it for pod 2 of 3.
    values = {name: e["value"] for name, e in env.items() if "value" in e}
    values.update(JOB_COMPLETION_INDEX="2", START_AT="1767225600")
    line = [expand(w, values) for w in words]
    assert line[line.index("--shard") + 1] == f"2/{doc['spec']['completions']}", line
    assert line[line.index("--start-at") + 1] == "1767225600", line
    assert not any("$(" in w for w in line), line
    assert line[-1].startswith("http"), line


def kubectl(args, stdin=None):
    return subprocess.run(["kubectl"] + args, input=stdin, capture_output=True, text=True,
                          timeout=60)


def test_kubectl_decodes_the_job_and_sets_the_start():
    if not shutil.which("kubectl"):
        print("  skipped: kubectl is not installed")
        return
    # Offline: kubectl decodes the file into its typed Job (a wrong type or field fails here),
    # and sets START_AT as the README's run step does.
    run = kubectl(["set", "env", "--local", "-f", MANIFEST, "START_AT=1767225600", "-o", "json"])
    assert run.returncode == 0, run.stderr
    env = env_of(container(json.loads(run.stdout)))
    assert env["START_AT"]["value"] == "1767225600", env
    # kubectl create --dry-run=client needs an API server for its discovery.
    run = kubectl(["create", "--dry-run=client", "-o", "name", "-f", MANIFEST])
    if run.returncode != 0 and re.search(r"connection refused|unable to recognize|no such host|"
                                         r"dial tcp|failed to download openapi", run.stderr):
        print("  skipped: kubectl create --dry-run=client: no API server answers "
              f"({run.stderr.strip().splitlines()[-1][:160]})")
        return
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "job.batch/ringfire", run.stdout


FAKE_RINGFIRE = """#!/usr/bin/env python3
import json, sys
print(json.dumps({"argv": sys.argv[1:]}, indent=2))
"""
# ssh HOST COMMAND, as the script calls it: the host is logged, the command run by a shell here.
FAKE_SSH = """#!/bin/sh
echo "$1" >> "$(dirname "$0")/hosts.log"
exec bash -c "$2"
"""
FAKE_MERGE = """#!/bin/sh
echo "$@" > "$(dirname "$0")/merge.log"
"""


def run_shards(tmp, with_parallel):
    for name, text in (("ringfire", FAKE_RINGFIRE), ("ssh", FAKE_SSH), ("merge", FAKE_MERGE)):
        with open(os.path.join(tmp, name), "w") as f:
            f.write(text)
        os.chmod(os.path.join(tmp, name), 0o755)
    with open(os.path.join(tmp, "hosts.txt"), "w") as f:
        f.write("# generators\ngen-a\n\nuser@gen-b  \ngen-c\n")
    env = dict(os.environ, RINGFIRE=os.path.join(tmp, "ringfire"), SSH=os.path.join(tmp, "ssh"),
               LOCAL_RINGFIRE=os.path.join(tmp, "merge"), START_AT="1767225600")
    if not with_parallel:
        # A PATH without GNU parallel: the script's background jobs.
        bin_dir = os.path.join(tmp, "bin")
        os.makedirs(bin_dir)
        for tool in ("bash", "sed", "date", "mkdir", "dirname", "sh", "python3", "env"):
            os.symlink(shutil.which(tool), os.path.join(bin_dir, tool))
        env["PATH"] = bin_dir
    out = os.path.join(tmp, "out")
    run = subprocess.run([RUN_SHARDS, os.path.join(tmp, "hosts.txt"), out, "--", "-c", "30",
                          "-H", "X-Note: it's two words", "http://10.0.0.9:8080/"],
                         env=env, capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    for i in range(3):
        with open(os.path.join(out, f"shard-{i}.json")) as f:
            argv = json.load(f)["argv"]
        assert argv == ["--shard", f"{i}/3", "--start-at", "1767225600", "--json", "-", "--quiet",
                        "--no-progress", "-c", "30", "-H", "X-Note: it's two words",
                        "http://10.0.0.9:8080/"], argv
    with open(os.path.join(tmp, "hosts.log")) as f:
        assert sorted(f.read().split()) == ["gen-a", "gen-c", "user@gen-b"]
    with open(os.path.join(tmp, "merge.log")) as f:
        merge = f.read().split()
    assert merge == ["merge"] + [os.path.join(out, f"shard-{i}.json") for i in range(3)] + [
        "-o", os.path.join(out, "all.json"), "--text"], merge


def test_ssh_recipe_with_gnu_parallel():
    if not shutil.which("parallel"):
        print("  skipped: GNU parallel is not installed")
        return
    with tempfile.TemporaryDirectory() as tmp:
        run_shards(tmp, with_parallel=True)


def test_ssh_recipe_without_gnu_parallel():
    with tempfile.TemporaryDirectory() as tmp:
        run_shards(tmp, with_parallel=False)


def test_ssh_recipe_dry_run_and_usage():
    with tempfile.TemporaryDirectory() as tmp:
        hosts = os.path.join(tmp, "hosts.txt")
        with open(hosts, "w") as f:
            f.write("h0\nh1\n")
        env = dict(os.environ, DRY_RUN="1", START_AT="1767225600")
        run = subprocess.run([RUN_SHARDS, hosts, os.path.join(tmp, "out"), "--", "-d", "5s",
                              "http://t/"], env=env, capture_output=True, text=True, timeout=30)
        assert run.returncode == 0, run.stderr
        lines = run.stdout.splitlines()
        assert len(lines) == 3, lines
        assert "h1 ringfire --shard 1/2 --start-at 1767225600" in lines[1], lines
        assert lines[2].startswith("ringfire merge "), lines
        bad = subprocess.run([RUN_SHARDS, hosts, "out"], capture_output=True, text=True,
                             timeout=30)
        assert bad.returncode == 2 and "usage:" in bad.stderr, bad.stderr


def main():
    return run_tests([test_indexed_job_runs_all_shards_at_once, test_generators_avoid_each_other,
                      test_requests_equal_limits_in_whole_cpus,
                      test_command_takes_its_shard_from_the_completion_index,
                      test_kubectl_decodes_the_job_and_sets_the_start,
                      test_ssh_recipe_with_gnu_parallel, test_ssh_recipe_without_gnu_parallel,
                      test_ssh_recipe_dry_run_and_usage])


if __name__ == "__main__":
    sys.exit(main())
