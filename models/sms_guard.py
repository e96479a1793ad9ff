# Part of sms_twilio_gateway. License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import SQL


class SmsGuard(models.Model):
    """Rows that concurrent senders update, so that they conflict.

    Under REPEATABLE READ a count read after another transaction's snapshot
    misses what that one is sending. Touching the same row in both makes the
    later one fail with a serialization error and be retried (by Odoo's
    request and cron retries) with a snapshot that sees the first one's SMS:
    the rate limit and the double-click guard then count right.
    """

    _name = "sms.guard"
    _description = "SMS send guard"
    _log_access = False

    key = fields.Char(required=True, readonly=True)
    touched = fields.Datetime(required=True, readonly=True)

    _key_unique = models.Constraint("unique(key)", "One guard row per key.")

    @api.model
    def _touch(self, keys):
        if not keys:
            return
        self.env.cr.execute(
            SQL(
                "INSERT INTO sms_guard (key, touched) "
                "SELECT k, now() at time zone 'utc' FROM unnest(%s::varchar[]) k "
                "ORDER BY k ON CONFLICT (key) DO UPDATE SET touched = EXCLUDED.touched",
                sorted(keys),
            )
        )

    @api.autovacuum
    def _gc_guards(self):
        limit = fields.Datetime.now() - timedelta(days=1)
        self.env.cr.execute(SQL("DELETE FROM sms_guard WHERE touched < %s", limit))
