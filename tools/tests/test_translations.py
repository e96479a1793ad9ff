# Part of sms_twilio_gateway. License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""User-facing strings are translatable: ``_()`` / ``env._()`` take a literal.

Odoo extracts terms from literal first arguments only: ``env._(variable)``
is never translated, however the variable was built.
"""

import ast
import re
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


# ----------------------------------------------------------------------
# The addon's template of translations (i18n/sms_twilio_gateway.pot)
# ----------------------------------------------------------------------

POT = ADDON / "i18n" / "sms_twilio_gateway.pot"
REGENERATE = "regenerate it: DEV_DB=<your db> scripts/export_pot.sh"
USER_ERRORS = {"UserError", "ValidationError", "AccessError", "RedirectWarning"}
JS_TRANSLATED = re.compile(r"""\b_t\(\s*(["'`])((?:\\.|(?!\1).)*)\1""", re.S)


def pot_msgids():
    msgids, current = set(), None
    for line in POT.read_text().splitlines():
        if line.startswith("msgid "):
            current = [ast.literal_eval(line[len("msgid ") :])]
        elif line.startswith('"') and current is not None:
            current.append(ast.literal_eval(line))
        else:
            if current is not None:
                msgids.add("".join(current))
            current = None
    return msgids


def python_sources():
    for path in sorted(ADDON.rglob("*.py")):
        relative = path.relative_to(ADDON)
        if not DEV_ONLY.intersection(relative.parts):
            yield relative, ast.parse(path.read_text(), str(path))


def test_pot_holds_every_translated_string():
    assert POT.exists(), f"i18n/sms_twilio_gateway.pot is missing: {REGENERATE}"
    msgids = pot_msgids()
    missing = []
    for relative, tree in python_sources():
        for call in translation_calls(tree):
            if call.args and is_literal(call.args[0]):
                if call.args[0].value not in msgids:
                    missing.append(f"{relative}:{call.lineno}: {call.args[0].value!r}")
    for path in sorted((ADDON / "static" / "src").rglob("*.js")):
        for match in JS_TRANSLATED.finditer(path.read_text()):
            text = ast.literal_eval(f'"""{match.group(2)}"""')
            if text not in msgids:
                missing.append(f"{path.relative_to(ADDON)}: {text!r}")
    assert missing == [], f"not in the .pot, {REGENERATE}"


def test_errors_shown_to_users_are_translated():
    """``raise UserError("...")`` would show English to everyone."""
    offenders = []
    for relative, tree in python_sources():
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call)):
                continue
            func = node.exc.func
            name = (
                func.attr
                if isinstance(func, ast.Attribute)
                else getattr(func, "id", "")
            )
            first = node.exc.args[0] if node.exc.args else None
            if name in USER_ERRORS and isinstance(first, (ast.Constant, ast.JoinedStr)):
                offenders.append(f"{relative}:{node.lineno}")
    assert offenders == []


def test_javascript_strings_are_translated_literals():
    """``_t(variable)`` is never extracted: every ``_t`` takes a literal."""
    offenders = []
    for path in sorted((ADDON / "static" / "src").rglob("*.js")):
        source = path.read_text()
        for match in re.finditer(r"\b_t\(\s*([^\s\"'`])", source):
            line = source.count("\n", 0, match.start()) + 1
            offenders.append(f"{path.relative_to(ADDON)}:{line}")
    assert offenders == []
