# Part of sms_twilio_gateway. License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Adds up the pytest and Odoo results of `make test` into one closing line.

Exit code 0 only when every test passed, Odoo loaded every module without an
error, and no browser tour was skipped (Odoo skips tours, and still exits 0,
when Chromium or websocket-client is missing).
"""

import argparse
import re
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

RESULT_RE = re.compile(
    r"odoo\.tests\.result: (\d+) failed, (\d+) error\(s\) of (\d+) tests"
)
LOG_LINE_RE = re.compile(r"^\S+ \S+ \d+ (ERROR|CRITICAL) \S+ ([\w.]+): ")
STARTED_RE = re.compile(r" INFO \S+ [\w.]+: Starting (\w+\.test\w*) \.\.\.")
SKIP_RE = re.compile(r" INFO \S+ [\w.]+: skipped (.*) : (.*)$")
# Reasons Odoo gives when it cannot run a browser tour.
TOUR_SKIP_RE = re.compile(r"chrome|chromium|websocket|browser|devtools", re.I)


def pytest_counts(path):
    try:
        root = ET.parse(path).getroot()
    except (OSError, ET.ParseError):
        return None
    suites = [root] if root.tag == "testsuite" else root.findall("testsuite")
    total = failed = skipped = 0
    for suite in suites:
        total += int(suite.get("tests", 0))
        failed += int(suite.get("failures", 0)) + int(suite.get("errors", 0))
        skipped += int(suite.get("skipped", 0))
    return total - failed - skipped, failed, skipped


def odoo_counts(path):
    """Return (passed, failed, skipped, problems) read from Odoo's log."""
    problems = []
    result = None
    skipped = 0
    started = set()
    try:
        lines = open(path, encoding="utf-8", errors="replace").read().splitlines()
    except OSError:
        return 0, 0, 0, ["no Odoo log at %s" % path]
    for line in lines:
        if match := STARTED_RE.search(line):
            started.add(match.group(1))
        elif match := RESULT_RE.search(line):
            result = tuple(int(g) for g in match.groups())
        elif match := SKIP_RE.search(line):
            skipped += 1
            if TOUR_SKIP_RE.search(match.group(2)):
                problems.append("browser tour skipped: %s (%s)" % match.groups())
        elif (match := LOG_LINE_RE.match(line)) and ".tests" not in match.group(2):
            # Errors logged by tests are counted by Odoo itself; anything else
            # is a module that failed to load or a crash outside the tests.
            problems.append("error outside the tests: %s" % line[:300])
    if result is None:
        problems.append("Odoo printed no test result (did the database load?)")
        return 0, 0, skipped, problems
    failures, errors, run = result
    failed = failures + errors
    # Odoo's own count is coarse (it counts some classes as one test): report
    # test methods, as pytest does.
    run = max(run, len(started))
    return run - failed - skipped, failed, skipped, problems


def fault_counts(path):
    """(passed, failed) checks of the fault suite, from its last line."""
    if not path:
        return 0, 0
    try:
        text = Path(path).read_text()
    except OSError:
        return 0, 0
    found = re.findall(r"^fault suite: (\d+) passed, (\d+) failed$", text, re.M)
    if not found:
        return 0, 0
    passed, failed = found[-1]
    return int(passed), int(failed)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--pytest-xml", required=True)
    parser.add_argument("--pytest-rc", type=int, required=True)
    parser.add_argument("--odoo-log", required=True)
    parser.add_argument("--odoo-rc", type=int, required=True)
    parser.add_argument("--lint-rc", type=int, default=0)
    parser.add_argument("--faults-log", help="output of scripts/fault_suite.sh")
    parser.add_argument("--faults-rc", type=int, default=0)
    args = parser.parse_args()

    ok = True
    counts = pytest_counts(args.pytest_xml)
    if counts is None:
        print("pytest wrote no report")
        counts, ok = (0, 1, 0), False
    py_passed, py_failed, py_skipped = counts
    if args.pytest_rc not in (0, 5):  # 5: no test collected
        ok = False
    od_passed, od_failed, od_skipped, problems = odoo_counts(args.odoo_log)
    if args.odoo_rc != 0:
        problems.append("odoo-bin exited with %s" % args.odoo_rc)
    if args.lint_rc != 0:
        problems.append("lint failed (scripts/lint.sh)")
    fa_passed, fa_failed = fault_counts(args.faults_log)
    if args.faults_log and (args.faults_rc != 0 or fa_passed == 0) and not fa_failed:
        problems.append("the fault suite did not run (exit %s)" % args.faults_rc)
    for problem in problems:
        print("PROBLEM:", problem)
    passed = py_passed + od_passed + fa_passed
    failed = py_failed + od_failed + fa_failed
    failed += 1 if problems and not (od_failed or fa_failed) else 0
    ok = ok and not problems and failed == 0
    print(
        "pytest: %d passed, %d failed, %d skipped; odoo: %d passed, %d failed, "
        "%d skipped; fault suite: %d passed, %d failed"
        % (
            py_passed,
            py_failed,
            py_skipped,
            od_passed,
            od_failed,
            od_skipped,
            fa_passed,
            fa_failed,
        )
    )
    print("%d passed, %d failed" % (passed, failed))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
