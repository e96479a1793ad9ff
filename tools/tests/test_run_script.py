# Part of sms_twilio_gateway. License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""`make run` (scripts/run.sh) listens on loopback unless asked otherwise.

Its sandbox logs in as admin/admin: reachable from the network it is an open
door. The script runs for real here, with stand-ins for Python, Odoo and
PostgreSQL that record how they are called.
"""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ADDON = Path(__file__).resolve().parents[2]

RECORDER = """#!/usr/bin/env bash
printf '%s\\n' "$*" >> "{log}"
"""
# The server (in the foreground) waits until the simulator (started in the
# background, stopped when the script exits) has recorded its call.
SERVER_WAITS = """case "$*" in *--max-cron-threads=1*)
    for _ in $(seq 100); do
        grep -q "twilio_simulator serve" "{log}" && break
        sleep 0.05
    done;;
esac
"""


@pytest.fixture
def run_script(tmp_path):
    """Run a copy of run.sh whose programs only record their arguments."""
    (tmp_path / "scripts").mkdir()
    shutil.copy(ADDON / "scripts" / "run.sh", tmp_path / "scripts" / "run.sh")
    (tmp_path / "scripts" / "sandbox_setup.py").write_text("")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    log = tmp_path / "calls.log"
    recorder = RECORDER.format(log=log)
    for name in ("python", "psql", "dropdb"):
        (bin_dir / name).write_text(recorder)
        (bin_dir / name).chmod(0o755)
    (bin_dir / "python").write_text(recorder + SERVER_WAITS.format(log=log))
    # psql answers "installed": the database exists, no install step.
    (bin_dir / "psql").write_text(recorder + "echo 1\n")
    (tmp_path / "scripts" / "setup.sh").write_text("#!/usr/bin/env bash\n")
    (tmp_path / "scripts" / "setup.sh").chmod(0o755)
    (tmp_path / "var").mkdir()
    (tmp_path / "var" / "env.sh").write_text(
        f"ROOT='{tmp_path}'\nVAR='{tmp_path}/var'\nVENV='{tmp_path}'\n"
        f"ODOO_PATH='{tmp_path}/odoo'\nDB_HOST=localhost\nDB_PORT=5432\n"
        "DB_USER=odoo\nDB_PASSWORD=odoo\nADDONS_PATH=x\n"
    )

    def run(**env):
        log.write_text("")
        environ = {
            key: value
            for key, value in os.environ.items()
            if key not in ("HTTP_INTERFACE", "HTTP_PORT", "SIM_PORT")
        }
        environ.update(env, PATH=f"{bin_dir}:{os.environ['PATH']}")
        subprocess.run(
            ["bash", str(tmp_path / "scripts" / "run.sh")],
            env=environ,
            check=True,
            capture_output=True,
            timeout=60,
        )
        calls = log.read_text().splitlines()
        run.calls = calls
        server = [
            c
            for c in calls
            if "odoo-bin" in c and " shell " not in c and "--stop-after-init" not in c
        ]
        simulator = [c for c in calls if "tools.twilio_simulator serve" in c]
        assert len(server) == 1 and len(simulator) == 1, calls
        return server[0].split(), simulator[0].split()

    return run


def test_an_existing_database_is_updated_before_serving(run_script):
    """A database made by an earlier version: its tables follow the code
    before the server reads them."""
    run_script()
    odoo = [c for c in run_script.calls if "odoo-bin" in c and " shell " not in c]
    assert len(odoo) == 2, odoo
    assert "-u sms_twilio_gateway --stop-after-init" in odoo[0]
    assert "--stop-after-init" not in odoo[1]


def test_odoo_and_simulator_listen_on_loopback_by_default(run_script):
    server, simulator = run_script()
    assert "--http-interface=127.0.0.1" in server
    assert simulator[simulator.index("--host") + 1] == "127.0.0.1"


def test_another_interface_is_an_explicit_choice(run_script):
    server, simulator = run_script(HTTP_INTERFACE="0.0.0.0")
    assert "--http-interface=0.0.0.0" in server
    # Only Odoo is opened: the simulator takes orders from anyone reaching it.
    assert simulator[simulator.index("--host") + 1] == "127.0.0.1"
