# Part of sms_twilio_gateway. License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from collections import defaultdict

from odoo import api, fields, models
from odoo.tools import create_index, make_identifier


class SmsRecipientMixin(models.AbstractModel):
    """What the gateway keeps on people it texts (contacts, mailing contacts).

    Do-not-text: unlike an opt-out (a number on ``phone.blacklist``), it
    belongs to the person: it blocks every SMS to any of their numbers, from
    anyone in the company, and keeps who set it, when and why (tracked).

    Line type lookup at intake: a new number is queued for the lookup cron,
    so creating thousands of contacts costs no request during the create.
    """

    _name = "sms.recipient.mixin"
    _description = "SMS recipient"

    sms_dnc = fields.Boolean("Do not text", tracking=True, copy=False)
    sms_dnc_reason = fields.Char("Do-not-text reason", tracking=True, copy=False)
    sms_dnc_date = fields.Datetime("Do-not-text since", readonly=True, copy=False)
    sms_dnc_user_id = fields.Many2one(
        "res.users", "Do-not-text set by", readonly=True, copy=False
    )

    def init(self):
        super().init()
        if self._abstract:
            return
        # The gateway looks numbers up among do-not-text people, a few of many:
        # the index holds only them. (phone_sanitized has its own index, set
        # on each model: Odoo's phone mixin gives it none.)
        create_index(
            self.env.cr,
            make_identifier(f"{self._table}_sms_dnc_phone_sanitized_index"),
            self._table,
            ["phone_sanitized"],
            where="sms_dnc",
        )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("sms_dnc"):
                vals.update(self._gateway_dnc_stamp())
        records = super().create(vals_list)
        records._gateway_queue_lookups()
        return records

    def write(self, vals):
        if "sms_dnc" in vals:
            vals = dict(
                vals,
                **(
                    self._gateway_dnc_stamp()
                    if vals["sms_dnc"]
                    else {"sms_dnc_date": False, "sms_dnc_user_id": False}
                ),
            )
        result = super().write(vals)
        if set(vals) & set(self._phone_get_number_fields()):
            self._gateway_queue_lookups()
        return result

    def _gateway_queue_lookups(self):
        """Queue new numbers for the lookup cron of the company they belong to
        (the record's, else the current one) when it looks up at intake."""
        intake = self.env["res.company"]._gateway_intake_companies()
        if not intake:
            return
        by_company = defaultdict(set)
        for record in self.sudo():
            company = (
                record.company_id if "company_id" in record._fields else None
            ) or self.env.company
            if company in intake and record.phone_sanitized:
                by_company[company].add(record.phone_sanitized)
        for company, numbers in by_company.items():
            self.env["sms.number"]._gateway_request_lookup(numbers, company)

    def _gateway_dnc_stamp(self):
        return {"sms_dnc_date": fields.Datetime.now(), "sms_dnc_user_id": self.env.uid}

    @api.model
    def _gateway_dnc_numbers(self, numbers, company):
        """The numbers among ``numbers`` held by a do-not-text record."""
        domain = [("sms_dnc", "=", True), ("phone_sanitized", "in", list(numbers))]
        if "company_id" in self._fields:
            domain += [("company_id", "in", [False, company.id])]
        records = (
            self.sudo()
            .with_context(active_test=False)
            .search_fetch(domain, ["phone_sanitized"])
        )
        return set(records.mapped("phone_sanitized"))
