# Part of sms_twilio_gateway. License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The one place the gateway commits (not a model)."""

from psycopg2 import errors as pg_errors

# Another transaction committed the same rows first (REPEATABLE READ), or
# holds them (NOWAIT): the work is undone and done again, or dropped.
CONFLICTS = (pg_errors.SerializationFailure, pg_errors.LockNotAvailable)


def commit_progress(env, processed=0, remaining=None):
    """Commit a step of work, with cron progress when run by a cron.

    The gateway commits where money or at-most-once needs it: the hand-off
    before Twilio is called, the answers after, each cron batch.

    :return: False when the cron has no time left for another batch
    """
    return env["ir.cron"]._commit_progress(processed, remaining=remaining) > 0
