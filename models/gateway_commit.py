# Part of sms_twilio_gateway. License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The one place the gateway commits (not a model)."""


def commit_progress(env, processed=0, remaining=None):
    """Commit a step of work, with cron progress when run by a cron.

    The gateway commits where money or at-most-once needs it: the hand-off
    before Twilio is called, the answers after, each cron batch.

    :return: False when the cron has no time left for another batch
    """
    return env["ir.cron"]._commit_progress(processed, remaining=remaining) > 0
