# Part of sms_twilio_gateway. License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Translating the reasons of ``tools/`` tables (not a model).

``tools/`` cannot import Odoo, so its user-facing sentences (Twilio's error
table) are marked there with a local ``_lt`` that Odoo's term extraction
reads: they are in the addon's translations. This is the one place that
translates such a marked sentence; everywhere else ``env._`` takes a literal.
"""


def translate_marked(env, source, **params):
    """``source`` (a sentence marked with ``_lt`` in ``tools/``), translated."""
    return env._(source, **params)
