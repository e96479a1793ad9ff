# Part of sms_twilio_gateway. License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The addon's runtime code takes the same path under test as in production.

A branch on "are we under test" makes the suite prove a path no user takes:
the journeys in tests/test_journeys.py pass through it without ever running
the post-commit dispatch users get.
"""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RUNTIME = ("__init__.py", "controllers", "models", "wizards", "tools")
# odoo.modules.module.current_test, tools.config["test_enable"] / ["test_file"]
TEST_MARKERS = {"current_test", "test_enable", "test_file", "test_tags"}


def runtime_files():
    for entry in RUNTIME:
        path = ROOT / entry
        files = [path] if path.is_file() else sorted(path.rglob("*.py"))
        yield from (f for f in files if "tests" not in f.relative_to(ROOT).parts)


def find_test_markers(source):
    tree = ast.parse(source)
    for node in ast.walk(tree):
        name = None
        if isinstance(node, ast.Attribute):
            name = node.attr
        elif isinstance(node, ast.Name):
            name = node.id
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            name = node.value
        if name in TEST_MARKERS:
            yield node.lineno, name


def test_runtime_code_has_no_test_branch():
    found = [
        f"{file.relative_to(ROOT)}:{line}: {name}"
        for file in runtime_files()
        for line, name in find_test_markers(file.read_text())
    ]
    assert found == []


def test_the_check_sees_a_test_branch():
    source = (
        "from odoo import modules\n"
        "from odoo.tools import config\n"
        "if modules.module.current_test or config['test_enable']:\n"
        "    pass\n"
    )
    assert [name for _line, name in find_test_markers(source)] == [
        "current_test",
        "test_enable",
    ]
