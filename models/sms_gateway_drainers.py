# Part of sms_twilio_gateway. License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The crons that drain the SMS queue.

Odoo runs a cron on one thread at a time, whatever the number of cron
threads or servers: Odoo's SMS queue cron alone is one drainer. The queue is
drained by several when extra drainer crons are active (Settings → SMS
Throughput → Queue drainers); each takes the first due SMS no other holds,
so they work side by side and hand each SMS over once.
"""

from odoo import api, models

QUEUE_CRON = "sms.ir_cron_sms_scheduler_action"
EXTRA_DRAINERS = (
    "sms_twilio_gateway.ir_cron_sms_queue_drainer_2",
    "sms_twilio_gateway.ir_cron_sms_queue_drainer_3",
    "sms_twilio_gateway.ir_cron_sms_queue_drainer_4",
)
DRAINERS_PARAM = "sms_twilio_gateway.drainers"
MAX_DRAINERS = len(EXTRA_DRAINERS) + 1


class SmsGatewayDrainers(models.AbstractModel):
    _name = "sms.gateway.drainers"
    _description = "SMS queue drainers"

    @api.model
    def _extra_crons(self, active_test=True):
        crons = self.env["ir.cron"].sudo().with_context(active_test=False)
        for xmlid in EXTRA_DRAINERS:
            crons |= self.env.ref(xmlid, raise_if_not_found=False) or crons.browse()
        return crons.filtered("active") if active_test else crons

    @api.model
    def _wake(self, times=None):
        """Wake every active drainer (at each of ``times``, or now)."""
        crons = self.env.ref(QUEUE_CRON).sudo() | self._extra_crons()
        for cron in crons:
            cron._trigger(times)

    @api.model
    def _set_count(self, count):
        """Activate the extra drainers up to ``count`` drainers in all."""
        count = min(max(int(count or 1), 1), MAX_DRAINERS)
        for index, cron in enumerate(self._extra_crons(active_test=False), start=2):
            if cron.active != (index <= count):
                cron.active = index <= count
        return count
