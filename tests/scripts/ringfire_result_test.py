#!/usr/bin/env python3
"""scripts/lib/ringfire_result.py, the one reader of result files, on documents written here:
/1 and /2 read alike (the exact sum from /2's decimal string), anything else is one ResultError
line naming the file, a missing python3-jsonschema or a schema file of another version falls
back to the basic check (and fails a strict one), and the field printer for shell scripts.
Real results against the real schema: schema_test.py, validate-result (schema.results).
Prints "N passed, M failed"; exits 1 on any failure.
"""

import json
import os
import subprocess
import sys
import tempfile

from script_tests import SOURCE, run_tests, tests_of

import ringfire_result  # scripts/lib, put on sys.path by script_tests

READER = os.path.join(SOURCE, "scripts", "lib", "ringfire_result.py")
# A schema that describes /1 only and asks for nothing but the version: the tests below are about
# the reader, not about docs/result.schema.json.
SCHEMA_1 = {"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object",
            "properties": {"schema": {"const": "ringfire.result/1"}}}


def finished(version="ringfire.result/1", **extra):
    doc = {"schema": version, "version": "0.0.0", "config": {"url": "http://127.0.0.1:1/"},
           "totals": {"sent": 12, "completed": 10, "failed": 2, "errors": {"timeout": 2},
                      "status": {"2xx": 7, "4xx": 1, "5xx": 2}},
           "warmup": {"sent": 3, "completed": 3},
           "requests_per_second": 5.5,
           "latency_ns": {"count": 10, "min": 100, "max": 900, "mean": 450.4,
                          "percentiles": {"50": 400, "99": 900}},
           "verdict": {"summary": "fine"},
           "timeseries": [{"t": 0, "completed": 4}, {"t": 1, "completed": 6}]}
    doc.update(extra)
    return doc


def write(tmp, name, content):
    path = os.path.join(tmp, name)
    with open(path, "w", encoding="utf-8") as f:
        f.write(content if isinstance(content, str) else json.dumps(content))
    return path


def error_of(call):
    try:
        call()
    except ringfire_result.ResultError as e:
        return str(e)
    raise AssertionError("no ResultError")


def test_accessors_read_version_1(tmp):
    r = ringfire_result.load(write(tmp, "one.json", finished()), schema=SCHEMA_1)
    assert (r.schema, r.version, r.url) == ("ringfire.result/1", "0.0.0", "http://127.0.0.1:1/")
    assert (r.sent, r.completed, r.failed, r.non_2xx, r.rps) == (12, 10, 2, 3, 5.5)
    assert r.errors == {"timeout": 2} and r.warmup["completed"] == 3 and r.finished
    assert (r.latency.count, r.latency.min, r.latency.max) == (10, 100, 900)
    assert (r.latency.percentile("50"), r.latency.percentile(99)) == (400, 900)
    assert r.latency.sum == 4504  # /1 has no exact sum: mean x count
    assert [row["completed"] for row in r.seconds] == [4, 6] and r.verdict_summary == "fine"
    assert r.get("latency_ns.percentiles.50") == 400 and r.get("timeseries.1.t") == 1
    assert r.get("no.such.field", "none") == "none"


def test_version_2_keeps_the_exact_sum(tmp):
    exact = str(2**70 + 3)  # more than a double holds: only the decimal string keeps it
    doc = finished("ringfire.result/2")
    doc["latency_ns"]["sum"] = exact
    r = ringfire_result.load(write(tmp, "two.json", doc), schema=SCHEMA_1)
    assert r.latency.sum == 2**70 + 3 and r.completed == 10


def test_nothing_measured_is_none_not_zero(tmp):
    doc = finished()
    doc["latency_ns"] = {"count": 0, "min": 0, "max": 0, "mean": 0, "percentiles": {"50": 0}}
    latency = ringfire_result.load(write(tmp, "empty.json", doc), schema=SCHEMA_1).latency
    assert (latency.percentile("50"), latency.max, latency.min, latency.mean) == (None,) * 4


def test_a_failed_run_is_a_result(tmp):
    doc = {"schema": "ringfire.result/1", "version": "0.0.0", "config": {},
           "failure": {"stage": "connect", "reason": "refused"}}
    r = ringfire_result.load(write(tmp, "failed.json", doc), schema=SCHEMA_1)
    assert not r.finished and r.failure["stage"] == "connect"
    assert (r.completed, r.rps, r.seconds, r.latency.percentile("50")) == (0, 0.0, [], None)


def test_bad_files_are_one_line_naming_the_file(tmp):
    cases = {"missing.json": None, "text.json": "not json {", "list.json": [1, 2],
             "other.json": {"schema": "someone.else/1", "totals": {}},
             "three.json": finished("ringfire.result/3"),
             "neither.json": {"schema": "ringfire.result/1", "version": "x", "config": {}}}
    for name, content in cases.items():
        path = os.path.join(tmp, name) if content is None else write(tmp, name, content)
        message = error_of(lambda: ringfire_result.load(path, schema=SCHEMA_1))
        assert message.startswith(path + ": ") and "\n" not in message, message
    assert "ringfire.result/3" in error_of(
        lambda: ringfire_result.load(os.path.join(tmp, "three.json"), schema=SCHEMA_1))


def test_schema_violations_name_the_place(tmp):
    schema = dict(SCHEMA_1, properties=dict(SCHEMA_1["properties"],
                                            totals={"type": "object", "required": ["sent"]}))
    doc = finished()
    del doc["totals"]["sent"]
    message = error_of(lambda: ringfire_result.load(write(tmp, "bad.json", doc), schema=schema))
    assert message.startswith(f"{tmp}/bad.json: not a valid ringfire result: /totals: "), message


def test_fallbacks_and_strictness(tmp):
    doc = finished("ringfire.result/2", surprise=1)
    # A schema file that describes /1 only: the reader still reads /2, a strict check refuses.
    assert ringfire_result.problems(doc, SCHEMA_1) == []
    strict = ringfire_result.problems(doc, SCHEMA_1, strict=True)
    assert strict == ["/schema: the schema file describes ringfire.result/1, not "
                      "ringfire.result/2"], strict
    # No python3-jsonschema: the basic check only; strict says why it cannot check.
    have = ringfire_result.have_jsonschema
    ringfire_result.have_jsonschema = lambda: False
    try:
        assert ringfire_result.problems(finished(surprise=1), SCHEMA_1) == []
        assert "python3-jsonschema" in ringfire_result.problems(finished(), SCHEMA_1,
                                                                strict=True)[0]
        assert ringfire_result.problems({"schema": "x"}, SCHEMA_1)  # the basic check still runs
    finally:
        ringfire_result.have_jsonschema = have


def test_the_default_schema_is_the_repository_one(tmp):
    assert ringfire_result.default_schema_path() == os.path.join(SOURCE, "docs",
                                                                 "result.schema.json")
    # Every version the schema file describes, the reader reads.
    versions = ringfire_result.schema_versions(ringfire_result.read_schema())
    assert versions and set(versions) <= set(ringfire_result.SCHEMAS), versions


def test_field_printer_for_shell_scripts(tmp):
    path = write(tmp, "field.json", finished())
    schema = write(tmp, "schema.json", SCHEMA_1)

    def run(*args):
        return subprocess.run([sys.executable, READER, "--schema", schema, *args],
                              capture_output=True, text=True, timeout=30)
    assert run(path, "totals.completed").stdout == "10\n"
    assert run(path, "verdict.summary").stdout == "fine\n"
    assert run(path, "totals.errors").stdout == '{"timeout": 2}\n'
    missing = run(path, "totals.nothing")
    assert missing.returncode == 1 and missing.stderr == f"{path}: no field totals.nothing\n"
    bad = run(os.path.join(tmp, "absent.json"), "totals")
    assert bad.returncode == 1 and bad.stderr.count("\n") == 1 and "absent.json: " in bad.stderr


def main():
    with tempfile.TemporaryDirectory() as tmp:
        return run_tests(tests_of(globals()), tmp)


if __name__ == "__main__":
    sys.exit(main())
