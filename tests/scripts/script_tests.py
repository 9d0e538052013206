"""What the python tests of ringfire's binaries and scripts share: the bundled target on a port it
picks, a runner that runs each test function, says ok/FAIL per test with the traceback, and
returns the exit status, and scripts/lib on sys.path (for ringfire_result, the result reader)."""
import os
import subprocess
import sys
import time
import traceback

SOURCE = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
sys.path.insert(0, os.path.join(SOURCE, "scripts", "lib"))
sys.dont_write_bytecode = True  # no __pycache__ left in the source tree


def start_target(target):
    """ringfire-target on 127.0.0.1, port 0, stopped by the caller (or after 60 s by itself)."""
    server = subprocess.Popen([target, "--port", "0", "--duration", "60s"], stdout=subprocess.PIPE,
                              stderr=subprocess.DEVNULL)
    line = server.stdout.readline().decode()
    assert line.startswith("listening on "), line
    return server, "http://" + line.split()[-1] + "/"


def tests_of(namespace):
    """The test_* functions of a module's globals(), by name."""
    return [fn for name, fn in sorted(namespace.items()) if name.startswith("test_") and callable(fn)]


def run_tests(tests, *args):
    """Calls each test(*args); returns 1 if any failed, else 0. One failing test does not hide the
    others."""
    passed = failed = 0
    for test in tests:
        start = time.monotonic()
        try:
            test(*args)
            passed += 1
            print(f"ok   {test.__name__} ({time.monotonic() - start:.2f} s)")
        except Exception:
            failed += 1
            print(f"FAIL {test.__name__}")
            traceback.print_exc()
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0
