"""What the python tests of ringfire's binaries share: the bundled target on a port it picks, and
a runner that runs each test function, says ok/FAIL per test with the traceback, and returns
the exit status."""
import subprocess
import traceback


def start_target(target):
    """ringfire-target on 127.0.0.1, port 0, stopped by the caller (or after 60 s by itself)."""
    server = subprocess.Popen([target, "--port", "0", "--duration", "60s"], stdout=subprocess.PIPE,
                              stderr=subprocess.DEVNULL)
    line = server.stdout.readline().decode()
    assert line.startswith("listening on "), line
    return server, "http://" + line.split()[-1] + "/"


def run_tests(tests, *args):
    """Calls each test(*args); returns 1 if any failed, else 0."""
    passed = failed = 0
    for test in tests:
        try:
            test(*args)
            passed += 1
            print("ok", test.__name__)
        except Exception:
            failed += 1
            print("FAIL", test.__name__)
            traceback.print_exc()
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0
