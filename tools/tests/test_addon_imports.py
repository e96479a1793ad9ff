# Part of sms_twilio_gateway. License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The production addon never imports the Twilio simulator (a dev tool).

Tests, benchmarks and scripts may; models, controllers, wizards and the pure
tools the addon loads may not, directly or through another tool.
"""

import ast
import subprocess
import sys
from pathlib import Path

ADDON = Path(__file__).resolve().parents[2]
SIMULATOR = "twilio_simulator"
# Where dev tools may be imported: not loaded when Odoo runs the addon.
DEV_ONLY = {"tests", "bench", "scripts", "var", ".venv", SIMULATOR}


def production_files():
    for path in sorted(ADDON.rglob("*.py")):
        parts = path.relative_to(ADDON).parts
        if not DEV_ONLY.intersection(parts):
            yield path


def imported_names(tree):
    """Every dotted name an import statement of ``tree`` may load."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            yield module
            yield from (f"{module}.{alias.name}" for alias in node.names)


def test_production_files_are_found():
    files = {path.relative_to(ADDON).as_posix() for path in production_files()}
    assert {"models/res_company.py", "tools/twilio_client.py"} <= files
    assert not any(SIMULATOR in name or "/tests/" in name for name in files)


def test_production_code_never_imports_the_simulator():
    offenders = [
        f"{path.relative_to(ADDON)}: {name}"
        for path in production_files()
        for name in imported_names(ast.parse(path.read_text(), str(path)))
        if SIMULATOR in name.split(".")
    ]
    assert offenders == []


def test_tools_do_not_load_the_simulator_when_imported():
    """Transitive imports too: load every pure tool, then look at sys.modules."""
    modules = [
        f"tools.{path.stem}"
        for path in sorted((ADDON / "tools").glob("*.py"))
        if path.stem != "__init__"
    ]
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        f"print(sorted(m for m in sys.modules if {SIMULATOR!r} in m))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ADDON,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    assert len(modules) > 3
    assert result.stdout.strip() == "[]"
