# Part of sms_twilio_gateway. License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import UserError

from .sms_number import LINE_TYPES


class ResPartner(models.Model):
    _name = "res.partner"
    _inherit = ["res.partner", "sms.recipient.mixin"]

    # Opt-outs, number facts and do-not-text are matched on it.
    phone_sanitized = fields.Char(index="btree_not_null")
    sms_line_type = fields.Selection(
        LINE_TYPES, "Line type", compute="_compute_sms_number_facts"
    )
    sms_auto_blocked = fields.Boolean(
        "Auto-blocked",
        compute="_compute_sms_number_facts",
        help="Blocked after repeated carrier failures: a manager can unblock the "
        "number in SMS > Numbers.",
    )
    sms_opt_out_date = fields.Datetime(
        "Opted out on", compute="_compute_sms_number_facts"
    )
    sms_log_count = fields.Integer("SMS", compute="_compute_sms_log_count")
    sms_can_text = fields.Boolean(
        "Can be texted",
        compute="_compute_sms_can_text",
        help="This contact or one of its contacts has a number the gateway accepts.",
    )
    sms_text_hint = fields.Char(compute="_compute_sms_can_text")
    sms_consent_ids = fields.Many2many(
        "sms.consent", string="SMS consent", compute="_compute_sms_consent_ids"
    )

    @api.depends("phone_sanitized")
    def _compute_sms_number_facts(self):
        numbers = set(self.filtered("phone_sanitized").mapped("phone_sanitized"))
        facts = {
            fact.number: fact
            for fact in self.env["sms.number"]
            .sudo()
            .search_fetch(
                [("number", "in", list(numbers))], ["number", "line_type", "blocked"]
            )
        }
        opt_outs = {
            entry.number: entry.write_date or entry.create_date
            for entry in self.env["phone.blacklist"]
            .sudo()
            .search_fetch(
                [("number", "in", list(numbers))],
                ["number", "create_date", "write_date"],
            )
        }
        for partner in self:
            fact = facts.get(partner.phone_sanitized)
            partner.sms_line_type = fact.line_type if fact else False
            partner.sms_auto_blocked = bool(fact and fact.blocked)
            partner.sms_opt_out_date = opt_outs.get(partner.phone_sanitized, False)

    @api.depends("phone_sanitized")
    def _compute_sms_consent_ids(self):
        """The consent history of the contact's number, in the user's companies."""
        numbers = [n for n in self.mapped("phone_sanitized") if n]
        consents = self.env["sms.consent"].search_fetch(
            [("number", "in", numbers)], ["number"]
        )
        for partner in self:
            partner.sms_consent_ids = consents.filtered(
                lambda c, number=partner.phone_sanitized: c.number == number
            )

    def _compute_sms_log_count(self):
        partners = self.filtered("id")
        counts = {}
        if partners and self.env["sms.log"].has_access("read"):
            counts = dict(
                self.env["sms.log"]._read_group(
                    [("partner_id", "in", partners.ids)], ["partner_id"], ["__count"]
                )
            )
        for partner in self:
            partner.sms_log_count = counts.get(partner._origin, 0)

    @api.depends("phone", "child_ids.phone")
    def _compute_sms_can_text(self):
        """Whether someone here can be texted, in one gateway preview for all."""
        people = {partner: partner | partner.child_ids for partner in self}
        everyone = self.browse().union(*people.values()).filtered("phone")
        refused = {}
        if everyone:
            preview = (
                self.env["sms.gateway"]
                .sudo()
                ._preview(
                    self.env.company,
                    "",
                    # _origin: in a form being edited, the saved contact.
                    [(p._origin, p.phone_sanitized or p.phone) for p in everyone],
                    kind="automated",
                )
            )
            refused = {
                person.id: verdict.get("reason")
                for person, verdict in zip(everyone, preview["verdicts"], strict=True)
                if verdict.get("failure_type")
            }
        for partner in self:
            with_number = people[partner].filtered("phone")
            textable = with_number.filtered(lambda p: p.id not in refused)
            partner.sms_can_text = bool(textable)
            if textable:
                partner.sms_text_hint = False
            elif not with_number:
                partner.sms_text_hint = self.env._(
                    "To text this contact, add a mobile number to it or to one of "
                    "its contacts."
                )
            else:
                partner.sms_text_hint = "; ".join(
                    f"{p.name}: {refused[p.id]}" for p in with_number
                )

    def action_gateway_send_sms(self):
        """Open Odoo's composer on this contact (the recipient is chosen there)."""
        self.ensure_one()
        if not self.sms_can_text:
            raise UserError(self.sms_text_hint)
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Send SMS"),
            "res_model": "sms.composer",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": {
                "default_res_model": self._name,
                "default_res_id": self.id,
                "default_composition_mode": "comment",
                "dialog_size": "medium",
            },
        }

    def action_gateway_view_sms_logs(self):
        self.ensure_one()
        action = {
            "type": "ir.actions.act_window",
            "name": self.env._("SMS of %(name)s", name=self.display_name),
            "res_model": "sms.log",
            "view_mode": "list,form",
            "views": [(False, "list"), (False, "form")],
        }
        known = self.env.ref(
            "sms_twilio_gateway.sms_log_action", raise_if_not_found=False
        )
        if known:
            action = dict(known.sudo()._get_action_dict(), name=action["name"])
        action.update(
            domain=[("partner_id", "=", self.id)],
            context={"default_partner_id": self.id, "create": False},
        )
        return action
