# Part of sms_twilio_gateway. License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The one place the gateway commits (not a model)."""

from odoo import modules


def commit_progress(env, processed=0, remaining=None):
    """Commit a step of work, with cron progress when run by a cron.

    Tests run in one transaction that must never be committed: there the work
    goes on in the same transaction, with the same logic.

    :return: False when the cron has no time left for another batch
    """
    if modules.module.current_test:
        return True
    return env["ir.cron"]._commit_progress(processed, remaining=remaining) > 0
