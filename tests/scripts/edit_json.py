#!/usr/bin/env python3
"""Writes a broken copy of a JSON file for sweep_test.sh: EDIT is python run with the parsed
document as `doc` (e.g. 'del doc["targets"][1]["url"]').
  edit_json.py IN.json OUT.json EDIT"""

import json
import sys


def main(source, target, edit):
    with open(source, encoding="utf-8") as f:
        doc = json.load(f)
    exec(edit, {"doc": doc})
    with open(target, "w", encoding="utf-8") as f:
        json.dump(doc, f)
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
