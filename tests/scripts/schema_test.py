#!/usr/bin/env python3
"""docs/result.schema.json against real ringfire results, and `--json -`:
a finished run's JSON written to stdout (the text report then on stderr) validates; so does the
--json file of a run that reached nothing; a field added anywhere, or one missing, does not.
  schema_test.py RINGFIRE RINGFIRE_TARGET SOURCE_DIR
Prints "N passed, M failed"; exits 1 on any failure.
"""

import copy
import os
import socket
import subprocess
import sys
import tempfile

from script_tests import run_tests, start_target

import ringfire_result  # scripts/lib, put on sys.path by script_tests

RINGFIRE, TARGET, SOURCE = sys.argv[1], sys.argv[2], sys.argv[3]
SCHEMA = ringfire_result.read_schema(os.path.join(SOURCE, "docs", "result.schema.json"))


def errors(document):
    """Strict: python3-jsonschema and a schema of the document's version are required."""
    return ringfire_result.problems(document, SCHEMA, strict=True)


def test_json_to_stdout_validates(url, tmp, state):
    run = subprocess.run([RINGFIRE, "--json", "-", "-c", "2", "-d", "500ms", url],
                         capture_output=True, timeout=30)
    assert run.returncode == 0, run.stderr
    # stdout is the JSON and nothing else: the reader takes it, checked against the schema.
    result = ringfire_result.parse(run.stdout, "stdout", SCHEMA, strict=True).doc
    assert result["schema"] == "ringfire.result/2"
    assert result["totals"]["completed"] > 0
    # The text report went to stderr, with the same count.
    report = run.stderr.decode()
    assert f"Requests    {result['totals']['completed']} completed" in report, report
    assert errors(result) == [], errors(result)[:5]
    state["result"] = result


def test_quiet_json_to_stdout(url, tmp, state):
    run = subprocess.run([RINGFIRE, "-q", "--json", "-", "-c", "1", "-n", "10", url],
                         capture_output=True, timeout=30)
    assert run.returncode == 0, run.stderr
    assert run.stderr == b"", run.stderr
    assert ringfire_result.parse(run.stdout, "stdout", SCHEMA, strict=True).completed == 10


def test_failure_json_validates(url, tmp, state):
    with socket.socket() as s:  # a loopback port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    run = subprocess.run([RINGFIRE, "--json", "-", "-c", "1", "-d", "1s", "--timeout", "200ms",
                          f"http://127.0.0.1:{port}/"], capture_output=True, timeout=30)
    assert run.returncode == 1, run
    failure = ringfire_result.parse(run.stdout, "stdout", SCHEMA, strict=True).doc
    assert failure["failure"]["stage"] == "connect", failure
    assert errors(failure) == [], errors(failure)[:5]
    broken = dict(failure)
    del broken["failure"]
    assert errors(broken), "a document with neither totals nor failure passed"


def test_added_or_missing_fields_fail(url, tmp, state):
    result = state["result"]
    # Every object is checked strictly: the labels and the connections as the rest.
    for path in ([], ["totals"], ["config"], ["run"], ["verdict", "evidence"],
                 ["timeseries", 0], ["timeseries", 0, "client"], ["latency_ns"], ["labels", 0],
                 ["connections"], ["connect_latency_ns"], ["sources", 0], ["sources", 0, "clock"]):
        doc = copy.deepcopy(result)
        target = doc
        for key in path:
            target = target[key]
        target["surprise"] = 1
        assert errors(doc), f"an added field at /{'/'.join(map(str, path))} passed"
    for key in ("totals", "verdict", "timeseries"):
        doc = copy.deepcopy(result)
        del doc[key]
        assert errors(doc), f"a missing {key} passed"
    doc = copy.deepcopy(result)
    doc["totals"]["completed"] = -1
    assert errors(doc), "a negative count passed"
    doc = copy.deepcopy(result)
    del doc["labels"][0]["sent"]
    assert errors(doc), "a label without 'sent' passed"


def main():
    server, url = start_target(TARGET)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            state = {}
            tests = (test_json_to_stdout_validates, test_quiet_json_to_stdout,
                     test_failure_json_validates, test_added_or_missing_fields_fail)
            return run_tests(tests, url, tmp, state)
    finally:
        server.kill()
        server.wait()


if __name__ == "__main__":
    sys.exit(main())
