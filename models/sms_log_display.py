# Part of sms_twilio_gateway. License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""How the message log reads: failure labels, prices with their currency.

Kept apart from ``sms_log.py`` (what the log records and how callbacks move
it): these fields only word and format what is stored, with the gateway's
words (``sms.gateway._labels`` / ``_format_cost``).
"""

from odoo import api, fields, models

# A log row whose SMS never reached Twilio: nothing was or will be billed.
NOT_BILLED = ("blocked", "canceled", "outgoing")


class SmsLog(models.Model):
    _inherit = "sms.log"

    failure_kind = fields.Selection(
        selection="_selection_failure_kind",
        string="Failure",
        compute="_compute_failure_kind",
        store=True,
        help="Why the SMS was not sent or not delivered.",
    )
    company_currency_id = fields.Many2one(related="company_id.currency_id")
    estimate_label = fields.Char("Estimate", compute="_compute_price_labels")
    price_label = fields.Char(
        "Twilio cost",
        compute="_compute_price_labels",
        help="What Twilio billed, once it reported it (a while after delivery).",
    )
    price_pending = fields.Boolean(compute="_compute_price_labels")

    @api.model
    def _selection_failure_kind(self):
        gateway = self.env["sms.gateway"]
        labels = gateway._labels()
        keys = [key for key, _label in self._failure_type_selection()]
        keys += [key for key in labels if key not in keys and key.startswith("sms_")]
        return [(key, gateway._label(key, labels)) for key in keys]

    def _failure_type_selection(self):
        return (
            self.env["sms.sms"]._fields["failure_type"]._description_selection(self.env)
        )

    @api.depends("failure_type")
    def _compute_failure_kind(self):
        known = {key for key, _label in self._selection_failure_kind()}
        for log in self:
            kind = log.failure_type
            log.failure_kind = kind if kind in known else False

    @api.depends("status", "direction", "price", "price_unit", "price_estimate")
    def _compute_price_labels(self):
        gateway = self.env["sms.gateway"]
        units = set(self.filtered("price_unit").mapped("price_unit"))
        currencies = {
            currency.name: currency
            for currency in self.env["res.currency"]
            .with_context(active_test=False)
            .search([("name", "in", [unit.upper() for unit in units])])
        }
        for log in self:
            billed = log.direction == "outbound" and log.status not in NOT_BILLED
            log.estimate_label = (
                gateway._format_cost(log.price_estimate, log.company_id.currency_id)
                if billed
                else False
            )
            log.price_pending = billed and not log.price_unit
            if log.price_pending:
                log.price_label = self.env._("Pending")
            elif billed:
                currency = currencies.get((log.price_unit or "").upper())
                log.price_label = gateway._format_cost(log.price, currency)
            else:
                log.price_label = False
