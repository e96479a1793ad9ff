# Part of sms_twilio_gateway. License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Text one or several mailing lists, after a confirmation of who gets it.

Sending creates an SMS mailing on the lists and puts it in Odoo's queue: the
mass SMS composer, the gateway and quiet hours apply as for any SMS mailing.
"""

from markupsafe import Markup

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import format_datetime

MARKETING_GROUP = "sms_twilio_gateway.group_sms_marketing"


class SmsListSend(models.TransientModel):
    _name = "sms.list.send"
    _description = "Send an SMS to mailing lists"

    list_ids = fields.Many2many("mailing.list", string="Mailing lists", required=True)
    name = fields.Char(
        "Title",
        compute="_compute_name",
        store=True,
        readonly=False,
        help="Internal title of the SMS mailing.",
    )
    res_model = fields.Char(default="mailing.contact", readonly=True)
    sms_template_id = fields.Many2one(
        "sms.template",
        "Template",
        domain="[('model', '=', 'mailing.contact')]",
    )
    body = fields.Text(
        "Message", compute="_compute_body", store=True, readonly=False, required=True
    )
    scheduled_at = fields.Datetime(
        "Send at",
        help="Leave empty to send now (quiet hours still defer SMS to each "
        "recipient's allowed hours).",
    )
    company_id = fields.Many2one(
        "res.company", default=lambda self: self.env.company, readonly=True
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    recipient_count = fields.Integer("Contacts", compute="_compute_figures")
    sendable_count = fields.Integer("Will receive it", compute="_compute_figures")
    excluded_count = fields.Integer("Excluded", compute="_compute_figures")
    exclusions = fields.Html(compute="_compute_figures", sanitize=False)
    characters = fields.Integer(compute="_compute_figures")
    encoding = fields.Char(compute="_compute_figures")
    # The gateway's words for the figures, as the composer shows them.
    characters_label = fields.Char(compute="_compute_figures")
    segments_label = fields.Char(compute="_compute_figures")
    cost_label = fields.Char(compute="_compute_figures")
    quota_label = fields.Char(compute="_compute_figures")
    segment_count = fields.Integer("Segments in all", compute="_compute_figures")
    # Float, not Monetary: a segment costs fractions of a cent.
    cost = fields.Float("Estimated cost", compute="_compute_figures", digits=(12, 4))
    quota_left = fields.Integer("Quota left this month", compute="_compute_figures")
    quota_unlimited = fields.Boolean(compute="_compute_figures")
    overage_segments = fields.Integer("Segments over quota", compute="_compute_figures")
    over_cap = fields.Boolean(compute="_compute_figures")

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        context = self.env.context
        if (
            "list_ids" in fields_list
            and not values.get("list_ids")
            and context.get("active_model") == "mailing.list"
            and context.get("active_ids")
        ):
            values["list_ids"] = [Command.set(context["active_ids"])]
        return values

    @api.depends("list_ids")
    def _compute_name(self):
        for wizard in self:
            if not wizard.name and wizard.list_ids:
                wizard.name = self.env._(
                    "SMS to %(lists)s", lists=", ".join(wizard.list_ids.mapped("name"))
                )

    @api.depends("sms_template_id")
    def _compute_body(self):
        for wizard in self:
            if wizard.sms_template_id:
                wizard.body = wizard.sms_template_id.body

    @api.depends("list_ids", "body", "number_field", "sender", "scheduled_at")
    def _compute_figures(self):
        for wizard in self:
            preview = wizard._gateway_preview()
            allowance = preview["allowance"]
            info = preview["info"]
            wizard.recipient_count = preview["total"]
            wizard.sendable_count = preview["sendable"]
            wizard.excluded_count = sum(preview["excluded"].values())
            wizard.exclusions = wizard._exclusions_html(preview)
            wizard.characters = info.characters
            wizard.encoding = info.encoding
            wizard.segment_count = preview["segments"]
            wizard.cost = preview["cost"]
            wizard._set_figure_labels(preview)
            wizard.quota_unlimited = allowance.included_left is None
            wizard.quota_left = allowance.included_left or 0
            wizard.overage_segments = preview["overage_segments"]
            wizard.over_cap = preview["over_cap"]
            wizard._set_option_figures(preview)

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_send(self):
        """Create the SMS mailing on the lists and queue it (or schedule it)."""
        self.ensure_one()
        self._check_marketing()
        if not (self.body or "").strip():
            raise UserError(self.env._("Write the message before sending it."))
        if not self.list_ids:
            raise UserError(self.env._("Choose at least one mailing list."))
        self._check_options()
        when = self.scheduled_at
        if when and when <= fields.Datetime.now():
            when = False
        mailing = self.env["mailing.mailing"].create(
            {
                "subject": self.name or self.env._("SMS"),
                "mailing_type": "sms",
                "body_plaintext": self.body,
                "sms_template_id": self.sms_template_id.id,
                "mailing_model_id": self.env["ir.model"]._get_id("mailing.list"),
                "contact_list_ids": [Command.set(self.list_ids.ids)],
                "sms_allow_unsubscribe": False,
                "user_id": self.env.uid,
                "schedule_type": "scheduled" if when else "now",
                "schedule_date": when,
                **self._gateway_mailing_options(),
            }
        )
        if when:
            mailing.action_schedule()
            message = self.env._(
                "%(count)s recipients, scheduled for %(when)s.",
                count=self.sendable_count,
                when=format_datetime(self.env, when),
            )
        else:
            mailing.action_launch()
            message = self.env._(
                "%(count)s recipients: the SMS are on their way.",
                count=self.sendable_count,
            )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "title": mailing.subject,
                "message": message,
                "next": {
                    "type": "ir.actions.act_window",
                    "res_model": "mailing.mailing",
                    "res_id": mailing.id,
                    "views": [
                        (
                            self.env.ref(
                                "mass_mailing_sms.mailing_mailing_view_form_sms"
                            ).id,
                            "form",
                        )
                    ],
                    "target": "current",
                    "context": {"default_mailing_type": "sms", "mailing_sms": True},
                },
            },
        }

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------

    def _check_marketing(self):
        if not self.env.user.has_group(MARKETING_GROUP):
            raise AccessError(
                self.env._(
                    "Only SMS marketing users can text mailing lists: ask an "
                    "administrator for the SMS Marketing access."
                )
            )

    def _gateway_preview(self):
        """The mailing's preview: the lists' contacts, as the composer sees them."""
        self.ensure_one()
        lists = self.list_ids._origin
        contacts = self.env["mailing.contact"]
        opt_out = set()
        if lists:
            contacts = contacts.search([("list_ids", "in", lists.ids)])
            # Odoo's rule: opted out of every list of the send, not just one.
            subscriptions = self.env["mailing.subscription"].search_fetch(
                [("list_id", "in", lists.ids)], ["contact_id", "opt_out"]
            )
            opted_in = set(
                subscriptions.filtered(lambda s: not s.opt_out).contact_id.ids
            )
            opt_out = set(subscriptions.filtered("opt_out").contact_id.ids) - opted_in
        return self.env["mailing.mailing"]._gateway_sms_preview_records(
            "mailing.contact",
            contacts.ids,
            self.body or "",
            self.company_id or self.env.company,
            opt_out,
            number_field=self.number_field or False,
        )

    def _set_figure_labels(self, preview):
        gateway = self.env["sms.gateway"]
        company = self.company_id or self.env.company
        info = preview["info"]
        limit = self._character_limit(info.encoding)
        self.characters_label = gateway._format_characters(info.characters, limit)
        self.segments_label = gateway._format_segments(preview["segments"])
        self.cost_label = gateway._format_cost(preview["cost"], company.currency_id)
        self.quota_label = gateway._format_segments(
            preview["allowance"].included_left or 0
        )

    def _exclusions_html(self, preview):
        if not preview["excluded"]:
            return False
        rows = Markup("").join(
            Markup("<tr><td>%s</td><td class='text-end'>%s</td></tr>")
            % (preview["labels"][key], count)
            for key, count in sorted(
                preview["excluded"].items(), key=lambda item: -item[1]
            )
        )
        return (
            Markup(
                '<table class="table table-sm mb-0 o_sms_list_exclusions">'
                "<tbody>%s</tbody></table>"
            )
            % rows
        )
