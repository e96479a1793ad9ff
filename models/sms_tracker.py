# Part of sms_twilio_gateway. License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models


class SmsTracker(models.Model):
    _inherit = "sms.tracker"

    def _update_sms_mailings(self, trace_status, traces):
        """A mailing is sending until none of its SMS waits in the queue.

        Odoo marks it sent as soon as no trace is being handed to the
        provider, so a mailing sent in batches flipped between Sending and
        Sent at every batch (a tracking message each time) and read "Sent"
        while thousands were still queued.
        """
        mailings = traces.mass_mailing_id
        if trace_status == "process":
            mailings.filtered(lambda m: m.state != "sending").write(
                {"state": "sending"}
            )
            return
        # Done mailings stay done (most callbacks: "delivered" after the end).
        mailings = mailings.filtered(lambda m: m.state != "done")
        if not mailings:
            return
        traces.flush_recordset(["trace_status"])
        waiting = self.env["mailing.trace"]._read_group(
            [
                ("mass_mailing_id", "in", mailings.ids),
                ("trace_status", "in", ("outgoing", "process")),
            ],
            ["mass_mailing_id"],
        )
        busy = self.env["mailing.mailing"].union(*(mailing for (mailing,) in waiting))
        super()._update_sms_mailings(trace_status, traces - traces.filtered(
            lambda t: t.mass_mailing_id in busy
        ))  # fmt: skip
