# Part of sms_twilio_gateway. License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""User-facing strings are translatable: ``_()`` / ``env._()`` take a literal.

Odoo extracts terms from literal first arguments only: ``env._(variable)``
is never translated, however the variable was built.
"""

import ast
from pathlib import Path

ADDON = Path(__file__).resolve().parents[2]
DEV_ONLY = {"tests", "bench", "scripts", "var", ".venv", "twilio_simulator"}
# The one place translating sentences marked with _lt in tools/ (checked below).
MARKED = {"models/gateway_i18n.py"}
TRANSLATE = {"_", "_lt"}


def translation_calls(tree):
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        if name in TRANSLATE:
            yield node


def is_literal(node):
    return isinstance(node, ast.Constant) and isinstance(node.value, str)


def test_translated_strings_are_literals():
    offenders = []
    checked = 0
    for path in sorted(ADDON.rglob("*.py")):
        relative = path.relative_to(ADDON)
        if DEV_ONLY.intersection(relative.parts) or relative.as_posix() in MARKED:
            continue
        for call in translation_calls(ast.parse(path.read_text(), str(path))):
            checked += 1
            if not call.args or not is_literal(call.args[0]):
                offenders.append(f"{relative}:{call.lineno}: {ast.unparse(call)}")
    assert checked > 50
    assert offenders == []


def test_twilio_error_reasons_are_marked_for_extraction():
    """Every reason of the error table is an ``_lt("...")`` literal: it is in
    the addon's terms, so ``translate_marked`` finds its translation."""
    tree = ast.parse((ADDON / "tools" / "twilio_errors.py").read_text())
    reasons = 0
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "TwilioError":
            reason = node.args[2] if len(node.args) > 2 else None
            if isinstance(reason, ast.Call):
                assert getattr(reason.func, "id", "") == "_lt"
                assert is_literal(reason.args[0])
                reasons += 1
    assert reasons > 25
