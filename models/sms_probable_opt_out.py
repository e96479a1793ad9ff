# Part of sms_twilio_gateway. License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models

from ..tools import opt_out_phrases


class SmsProbableOptOut(models.Model):
    """A reply that reads like an opt-out without being a keyword.

    A manager confirms it (the number is opted out, with who and why) or
    dismisses it, within the 10 business days the FCC allows for honouring a
    revocation made "by any reasonable means".
    """

    _name = "sms.probable.opt.out"
    _description = "Probable SMS opt-out"
    _order = "state_sequence, received desc, id desc"
    _rec_name = "number"

    number = fields.Char(required=True, readonly=True, index=True)
    body = fields.Text("Message", readonly=True)
    received = fields.Datetime(
        required=True, readonly=True, default=fields.Datetime.now
    )
    honour_by = fields.Date(
        "Honour by",
        compute="_compute_honour_by",
        store=True,
        help="Ten business days after it was received.",
    )
    days_left = fields.Integer(
        "Days left",
        compute="_compute_days_left",
        help="Business days left to honour it; negative when late.",
    )
    state = fields.Selection(
        [
            ("pending", "To review"),
            ("confirmed", "Opted out"),
            ("dismissed", "Dismissed"),
        ],
        default="pending",
        required=True,
        readonly=True,
        index=True,
    )
    state_sequence = fields.Integer(compute="_compute_state_sequence", store=True)
    log_id = fields.Many2one("sms.log", "Inbound SMS", readonly=True)
    partner_id = fields.Many2one(related="log_id.partner_id", string="Contact")
    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, index=True
    )
    decided_by = fields.Many2one("res.users", readonly=True)
    decided_on = fields.Datetime(readonly=True)

    @api.depends("received")
    def _compute_honour_by(self):
        for request in self:
            request.honour_by = opt_out_phrases.honour_by(request.received.date())

    @api.depends("honour_by", "state")
    def _compute_days_left(self):
        today = fields.Date.context_today(self)
        for request in self:
            request.days_left = (
                opt_out_phrases.business_days_left(request.honour_by, today)
                if request.state == "pending" and request.honour_by
                else 0
            )

    @api.depends("state")
    def _compute_state_sequence(self):
        for request in self:
            request.state_sequence = 0 if request.state == "pending" else 1

    def action_confirm(self):
        """Opt the numbers out, as the manager decided."""
        pending = self.filtered(lambda r: r.state == "pending")
        reason = self.env._("A manager read this reply as an opt-out.")
        for request in pending:
            self.env["phone.blacklist"].sudo()._add(
                [request.number],
                message=self.env._(
                    "Opted out by %(user)s, who read this reply as an opt-out: "
                    "%(body)s",
                    user=self.env.user.name,
                    body=request.body or "",
                ),
            )
            self.env["sms.consent"]._record(
                [request.number],
                "opt_out",
                "user",
                user=self.env.user,
                text=request.body,
                reason=reason,
                company=request.company_id,
            )
        pending._gateway_decide("confirmed")

    def action_dismiss(self):
        self.filtered(lambda r: r.state == "pending")._gateway_decide("dismissed")

    def _gateway_decide(self, state):
        self.write(
            {
                "state": state,
                "decided_by": self.env.uid,
                "decided_on": fields.Datetime.now(),
            }
        )

    @api.model
    def _gateway_consider(self, log, number, body, company):
        """Queue an inbound reply that reads as an opt-out (trusted step of the
        inbound webhook)."""
        opt_out, _opt_in, _help = company._gateway_keywords()
        if not opt_out_phrases.is_probable_opt_out(body, opt_out=opt_out):
            return self.browse()
        return self.sudo().create(
            {
                "number": number,
                "body": body,
                "log_id": log.id,
                "company_id": company.id,
            }
        )
