"""The one reader of ringfire's --json result files: every script that reads one uses this.

    result = ringfire_result.load(path)     # ResultError (one line naming the file) if it is bad
    result.rps, result.completed, result.latency.percentile("99"), result.seconds, ...

load() checks the document against docs/result.schema.json (JSON Schema 2020-12) when
python3-jsonschema is installed and the schema file describes the document's version; otherwise
it checks what every reader relies on (an object, a known "schema" version, "totals" or
"failure"). The accessors below are the only code that knows where a figure sits in the
document, so a schema change (ringfire.result/2 adds fields and keeps the exact latency sum as a
decimal string) is an edit here, not in each script.

Run as a program it prints one field, for shell scripts:
    python3 scripts/lib/ringfire_result.py [--schema FILE] RESULT.json connections.peak_open
"""

import importlib.util
import json
import os
import sys

# The versions this reader understands. /2 only adds to /1 (exact sums, per-second buckets,
# wall-clock marks, byte counts), so every accessor reads both.
SCHEMAS = ("ringfire.result/1", "ringfire.result/2")

HERE = os.path.dirname(os.path.abspath(__file__))
# The source tree (scripts/lib -> docs/), or an install (PREFIX/share/ringfire/python -> ..).
SCHEMA_FILES = (os.path.join(HERE, "..", "..", "docs", "result.schema.json"),
                os.path.join(HERE, "..", "result.schema.json"))


class ResultError(Exception):
    """A result file that cannot be read or is not a ringfire result: str() is one line."""


def default_schema_path():
    for path in SCHEMA_FILES:
        if os.path.exists(path):
            return os.path.normpath(path)
    return None


def read_schema(path=None):
    """The JSON schema as a dict (None when there is no schema file and none was asked for)."""
    path = path or default_schema_path()
    if path is None:
        return None
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except (OSError, ValueError) as e:
        raise ResultError(f"{path}: cannot read the schema: {one_line(e)}") from None


def schema_versions(schema):
    """The result versions a schema file describes (its "schema" property's const or enum)."""
    prop = (schema or {}).get("properties", {}).get("schema", {})
    return tuple(prop.get("enum", ())) + ((prop["const"],) if "const" in prop else ())


def have_jsonschema():
    return importlib.util.find_spec("jsonschema") is not None


def one_line(error):
    return " ".join(str(error).split())


def basic_problems(doc):
    """What every reader relies on; the whole check when python3-jsonschema is missing."""
    if not isinstance(doc, dict):
        return ["/: not a JSON object"]
    version = doc.get("schema")
    if version not in SCHEMAS:
        return [f"/schema: {version!r} is not a ringfire result version this reader knows "
                f"({', '.join(SCHEMAS)})"]
    if "totals" not in doc and "failure" not in doc:
        return ["/: neither \"totals\" (a finished run) nor \"failure\""]
    return []


def schema_problems(doc, schema):
    """Every way doc breaks schema, as "/json/pointer: message" (needs python3-jsonschema)."""
    import jsonschema

    validator = jsonschema.Draft202012Validator(schema)
    errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.absolute_path))
    return ["/" + "/".join(str(p) for p in e.absolute_path) + ": " + one_line(e.message)[:300]
            for e in errors]


def problems(doc, schema=None, strict=False):
    """Why doc is not a valid result ([] when it is). schema: a dict from read_schema() (default:
    docs/result.schema.json). strict (validate-result, the schema test): the schema must describe
    the document's version and python3-jsonschema must be there; otherwise a document of a
    version newer than the schema file, or a machine without jsonschema, gets the basic check."""
    basic = basic_problems(doc)
    schema = schema if schema is not None else read_schema()
    if basic:
        if strict and schema is not None and have_jsonschema():
            return basic + schema_problems(doc, schema)  # what is wrong, then where in detail
        return basic
    if schema is None or doc["schema"] not in schema_versions(schema) or not have_jsonschema():
        if not strict:
            return []
        if schema is None:
            return ["no schema file (docs/result.schema.json) to check against"]
        if not have_jsonschema():
            return ["python3-jsonschema is not installed: cannot check against the schema"]
        return [f"/schema: the schema file describes {', '.join(schema_versions(schema))}, "
                f"not {doc['schema']}"]
    return schema_problems(doc, schema)


def parse(text, name, schema=None, strict=False):
    """A Result from JSON text (a file's, or ringfire --json - output); name is for messages."""
    try:
        doc = json.loads(text)
    except ValueError as e:
        raise ResultError(f"{name}: not JSON: {one_line(e)}") from None
    found = problems(doc, schema, strict)
    if found:
        more = f" (and {len(found) - 1} more)" if len(found) > 1 else ""
        raise ResultError(f"{name}: not a valid ringfire result: {found[0]}{more}")
    return Result(doc, name)


def load(path, schema=None, strict=False):
    """The Result in path; ResultError with one line naming the file if it is not one."""
    try:
        with open(path, encoding="utf-8") as f:
            text = f.read()
    except OSError as e:
        raise ResultError(f"{path}: {e.strerror or one_line(e)}") from None
    except UnicodeDecodeError:
        raise ResultError(f"{path}: not JSON: not UTF-8 text") from None
    return parse(text, path, schema, strict)


def dig(obj, path, default=None):
    """obj[path0][path1]... (a dotted string or a list; list indices as ints), or default when a
    step is missing or null."""
    keys = path.split(".") if isinstance(path, str) else path
    for key in keys:
        if isinstance(obj, list) and str(key).lstrip("-").isdigit():
            key = int(key)
        try:
            obj = obj[key]
        except (KeyError, IndexError, TypeError):
            return default
        if obj is None:
            return default
    return obj


class Histogram:
    """One latency histogram of the result (latency_ns, service_ns, connect_latency_ns, ...)."""

    def __init__(self, doc):
        self.doc = doc or {}

    @property
    def count(self):
        return self.doc.get("count", 0)

    def percentile(self, p):
        """The value at percentile p ("50", "99.9", ...); None when nothing was measured (the
        histogram's zeros are not a measurement)."""
        return self.doc.get("percentiles", {}).get(str(p)) if self.count else None

    @property
    def max(self):
        return self.doc.get("max") if self.count else None

    @property
    def min(self):
        return self.doc.get("min") if self.count else None

    @property
    def mean(self):
        return self.doc.get("mean") if self.count else None

    @property
    def sum(self):
        """The exact sum of all values: /2 states it as a decimal string; /1 only has the mean,
        so there it is mean x count, rounded (not exact)."""
        if "sum" in self.doc:
            return int(self.doc["sum"])
        return round(self.doc.get("mean", 0) * self.count)


class Result:
    """A checked ringfire result. doc is the parsed document, for fields with no accessor yet."""

    def __init__(self, doc, path):
        self.doc, self.path = doc, path

    def get(self, path, default=None):
        return dig(self.doc, path, default)

    schema = property(lambda self: self.doc["schema"])
    version = property(lambda self: self.doc.get("version", "unknown"))
    config = property(lambda self: self.doc.get("config") or {})
    url = property(lambda self: self.config.get("url", ""))
    run = property(lambda self: self.doc.get("run") or {})
    failure = property(lambda self: self.doc.get("failure"))
    finished = property(lambda self: "totals" in self.doc)

    # Counters of the measured window, and of the warm-up before it.
    totals = property(lambda self: self.doc.get("totals") or {})
    warmup = property(lambda self: self.doc.get("warmup") or {})
    sent = property(lambda self: self.totals.get("sent", 0))
    completed = property(lambda self: self.totals.get("completed", 0))
    failed = property(lambda self: self.totals.get("failed", 0))
    errors = property(lambda self: self.totals.get("errors") or {})  # by class
    status = property(lambda self: self.totals.get("status") or {})  # by class: "2xx", ...

    @property
    def non_2xx(self):
        return sum(n for cls, n in self.status.items() if cls != "2xx")

    rps = property(lambda self: self.doc.get("requests_per_second", 0.0))
    latency = property(lambda self: Histogram(self.doc.get("latency_ns")))
    schedule = property(lambda self: self.doc.get("schedule") or {})
    send_lag = property(lambda self: Histogram(self.schedule.get("send_lag_ns")))
    connections = property(lambda self: self.doc.get("connections") or {})
    labels = property(lambda self: self.doc.get("labels") or [])
    verdict = property(lambda self: self.doc.get("verdict") or {})
    verdict_summary = property(lambda self: self.verdict.get("summary"))
    # The per-second rows ("t", "wall", "completed", "latency_us", "client", ...).
    seconds = property(lambda self: self.doc.get("timeseries") or [])


def main(argv):
    """ringfire_result.py [--schema FILE] RESULT.json FIELD.PATH: prints the field (JSON unless a
    string)."""
    schema_file = None
    if len(argv) == 5 and argv[1] == "--schema":
        schema_file, argv = argv[2], argv[:1] + argv[3:]
    if len(argv) != 3:
        print("usage: ringfire_result.py [--schema FILE] RESULT.json FIELD.PATH", file=sys.stderr)
        return 2
    path, field = argv[1], argv[2]
    try:
        result = load(path, read_schema(schema_file))
    except ResultError as e:
        print(e, file=sys.stderr)
        return 1
    value = result.get(field)
    if value is None:
        print(f"{path}: no field {field}", file=sys.stderr)
        return 1
    print(value if isinstance(value, str) else json.dumps(value))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
