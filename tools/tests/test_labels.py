# Part of sms_twilio_gateway. License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""One set of words for the reasons an SMS is not sent, on every screen.

``sms.gateway._labels`` defines them; the chatter (JavaScript) repeats them
because it labels notifications in the browser: they must not drift apart.
"""

import ast
import re
from pathlib import Path

ADDON = Path(__file__).resolve().parents[2]


def python_labels():
    tree = ast.parse((ADDON / "models" / "sms_gateway_words.py").read_text())
    method = next(
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef) and node.name == "_labels"
    )
    returned = next(n for n in ast.walk(method) if isinstance(n, ast.Return))
    labels = {}
    for key, value in zip(returned.value.keys, returned.value.values, strict=True):
        if isinstance(key, ast.Constant):
            labels[key.value] = value.args[0].value
    return labels


def js_labels():
    source = (ADDON / "static/src/core/notification_model_patch.js").read_text()
    return dict(re.findall(r'case "(\w+)":\s*return _t\("([^"]+)"\);', source))


def test_chatter_uses_the_gateway_labels():
    python, js = python_labels(), js_labels()
    assert len(js) >= 8
    assert {key: python.get(key) for key in js} == js


def test_labels_are_distinct():
    labels = list(python_labels().values())
    assert len(labels) == len(set(labels)) > 10
