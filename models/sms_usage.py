# Part of sms_twilio_gateway. License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.tools import SQL

from ..tools import billing


class SmsUsage(models.Model):
    """Segments used by a company in a month: the counter quota is checked on.

    One row per company and month, created on first use, so months roll over by
    themselves. Reservations lock the row (``SELECT ... FOR UPDATE``): two
    workers sending at once can never overspend the quota or its overage cap.
    """

    _name = "sms.usage"
    _description = "SMS monthly usage"
    _order = "month desc, company_id"
    _rec_name = "month"

    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, index=True
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    month = fields.Date(required=True, readonly=True, help="First day of the month")
    segments = fields.Integer("Segments used", readonly=True)
    quota = fields.Integer(readonly=True, help="Quota of the month, 0: none")
    overage_segments = fields.Integer(
        compute="_compute_overage", store=True, readonly=True
    )
    overage_cost = fields.Monetary(
        compute="_compute_overage", store=True, currency_field="currency_id"
    )
    cost = fields.Float("Twilio cost", readonly=True, digits=(12, 5))
    quota_percent = fields.Float("% of quota", compute="_compute_overage", store=True)

    _company_month_unique = models.Constraint(
        "unique(company_id, month)", "One usage row per company and month."
    )

    @api.depends("segments", "quota", "company_id.sms_overage_price")
    def _compute_overage(self):
        for usage in self:
            over = billing.overage_segments(usage.quota, 0, usage.segments)
            usage.overage_segments = over
            usage.overage_cost = over * usage.company_id.sms_overage_price
            usage.quota_percent = (
                100.0 * usage.segments / usage.quota if usage.quota else 0.0
            )

    @api.model
    def _gateway_month(self, when=None):
        """The billing month, in UTC like the log's: reserve and release agree
        whatever the user's time zone."""
        return (when or fields.Datetime.now()).date().replace(day=1)

    @api.model
    def _gateway_locked(self, company, month=None):
        """The usage row of this company and month, created and row-locked."""
        month = month or self._gateway_month()
        self.env.cr.execute(
            SQL(
                "INSERT INTO sms_usage (company_id, month, segments, quota, cost, "
                "overage_segments, overage_cost, quota_percent, create_date, "
                "write_date, create_uid, write_uid) VALUES (%s, %s, 0, %s, 0, 0, 0, "
                "0, now() at time zone 'utc', now() at time zone 'utc', %s, %s) "
                "ON CONFLICT (company_id, month) DO NOTHING",
                company.id,
                month,
                company.sms_monthly_quota,
                self.env.uid,
                self.env.uid,
            )
        )
        self.env.cr.execute(
            SQL(
                "SELECT id FROM sms_usage WHERE company_id = %s AND month = %s "
                "FOR UPDATE",
                company.id,
                month,
            )
        )
        usage = self.sudo().browse(self.env.cr.fetchone()[0])
        usage.invalidate_recordset()
        return usage

    @api.model
    def _gateway_reserve(self, company, segments_list, month=None):
        """Reserve segments for several SMS at once, in order, under a row lock.

        :param segments_list: segments of each SMS
        :return: list of booleans, True where the SMS got its segments
        """
        usage = self._gateway_locked(company, month)
        left = usage._gateway_allowance(company).total_left
        granted = billing.grant(left, segments_list)
        total = sum(s for s, ok in zip(segments_list, granted, strict=True) if ok)
        if total:
            usage.write(
                {"segments": usage.segments + total, "quota": company.sms_monthly_quota}
            )
        return granted

    @api.model
    def _gateway_release(self, company, segments, month=None):
        """Give back segments reserved for SMS that never reached Twilio."""
        if segments:
            usage = self._gateway_locked(company, month)
            usage.segments = max(usage.segments - segments, 0)

    def _gateway_allowance(self, company):
        return billing.allowance(
            company.sms_monthly_quota,
            self.segments,
            company.sms_overage_price,
            company.sms_overage_cap,
        )

    @api.model
    def _gateway_current(self, company):
        """This month's usage row, without lock (for previews; may be empty)."""
        return self.sudo().search(
            [("company_id", "=", company.id), ("month", "=", self._gateway_month())],
            limit=1,
        )
