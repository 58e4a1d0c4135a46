"""What the conformance scripts that run simbind's daemons share: free ports, a daemon process with its log, key
files, the log checks every run makes, and Run: the checks of one script (a PASS/FAIL line each), the daemons it
started, its work directory, and the closing "N passed, M failed" with the exit status."""

import os
import re
import shutil
import socket
import subprocess
import tempfile
import time


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


class Daemon:
    def __init__(self, name, argv, log_path):
        self.name, self.log_path = name, log_path
        self.log_file = open(log_path, "w")
        self.proc = subprocess.Popen(argv, stdout=self.log_file, stderr=subprocess.STDOUT)

    def log(self):
        with open(self.log_path, errors="replace") as f:
            return f.read()

    def wait_log(self, pattern, timeout=20.0, since=0):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if re.search(pattern, self.log()[since:]):
                return True
            if self.proc.poll() is not None:
                return False
            time.sleep(0.1)
        return False

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()


def log_problems(daemon):
    """Lines of a daemon's log that no log may hold: sanitizer reports, unprintable octets."""
    lines = daemon.log().splitlines()
    sanitizer = [line for line in lines if "AddressSanitizer" in line or "runtime error" in line]
    unprintable = [line for line in lines if any(ord(c) < 0x20 and c != "\t" for c in line)]
    return sanitizer, unprintable


def write_key(work, name, hex_value):
    path = f"{work}/{name}"
    with open(path, "w") as f:
        f.write(hex_value + "\n")
    os.chmod(path, 0o600)
    return path


class Run:
    """One script's run. `check` prints a PASS/FAIL line (with `detail` when it failed); `close` stops the daemons
    (the last started first), removes the work directory when every check passed (else names it and calls
    `on_failure`), and prints the summary; `status` is the exit status: 0 only when checks ran and all passed."""

    def __init__(self, prefix):
        self.work = tempfile.mkdtemp(prefix=prefix)
        self.results = []
        self.daemons = []

    def check(self, name, ok, detail=""):
        self.results.append(bool(ok))
        print(f"  {'PASS' if ok else 'FAIL'}  {name}" + ("" if ok or not detail else f"  [{detail}]"), flush=True)

    def passed(self):
        return bool(self.results) and all(self.results)

    def close(self, on_failure=None):
        for d in reversed(self.daemons):
            d.stop()
        if self.passed():
            shutil.rmtree(self.work, ignore_errors=True)
        else:
            print(f"logs kept in {self.work}")
            if on_failure:
                on_failure()
        failed = self.results.count(False)
        print(f"{len(self.results) - failed} passed, {failed} failed")

    def status(self):
        return 0 if self.passed() else 1
