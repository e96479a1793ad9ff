# Part of sms_twilio_gateway. License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Odoo's SMS composer, with the gateway's live figures and a recipient choice.

The figures come from ``sms.gateway._preview``: the same decision the
gateway takes at send time, without side effects. Nothing here decides
whether an SMS may leave: the gateway does, whatever path sends it.
"""

import logging
import unicodedata

from markupsafe import Markup

from odoo import api, fields, models
from odoo.tools import format_datetime

from ..tools import segments

_logger = logging.getLogger(__name__)

FAILED_NOTIFICATION_STATUSES = ("exception", "bounce", "canceled")


def short_reason(env, failure_type):
    """Short label for the recipient list ("Bob — opted out (STOP)"), or None.

    One literal per key, so that each is extracted for translation.
    """
    return {
        "sms_number_missing": env._("no number"),
        "sms_number_format": env._("invalid number"),
        "sms_blacklist": env._("opted out (STOP)"),
        "sms_dnc": env._("do not text"),
        "sms_blocked": env._("number blocked"),
        "sms_landline": env._("landline"),
    }.get(failure_type)


def describe_characters(characters):
    """Readable list of characters, with their code point (’ and ' look alike)."""
    shown = []
    for char in characters:
        code = f"U+{ord(char):04X}"
        if char.isspace() or unicodedata.category(char)[0] in ("C", "Z", "M"):
            shown.append(code)
        else:
            shown.append(f"{char} ({code})")
    return ", ".join(shown)


class SmsComposer(models.TransientModel):
    _inherit = "sms.composer"

    gateway_company_id = fields.Many2one(
        "res.company", compute="_compute_gateway_company_id"
    )
    gateway_applies = fields.Boolean(compute="_compute_gateway_company_id")
    gateway_currency_id = fields.Many2one(related="gateway_company_id.currency_id")
    gateway_recipient_allowed_ids = fields.Many2many(
        "res.partner", compute="_compute_gateway_recipient_allowed_ids"
    )
    gateway_recipient_choice = fields.Boolean(
        compute="_compute_gateway_recipient_allowed_ids",
        help="The contact has other people with a number: choose who receives it.",
    )
    gateway_recipients_status = fields.Html(
        "Who can be texted",
        compute="_compute_gateway_recipient_allowed_ids",
        sanitize=False,
    )
    gateway_recipient_id = fields.Many2one(
        "res.partner",
        "Send to",
        compute="_compute_gateway_recipient_id",
        store=True,
        readonly=False,
        domain="[('id', 'in', gateway_recipient_allowed_ids)]",
    )
    gateway_scheduled_at = fields.Datetime(
        "Send at",
        help="Leave empty to send now. Otherwise the SMS waits in the queue until "
        "this time.",
    )
    gateway_characters = fields.Integer(
        "Characters", compute="_compute_gateway_figures"
    )
    gateway_max_characters = fields.Integer(
        compute="_compute_gateway_figures", default=segments.MAX_BODY_CHARS
    )
    gateway_segments = fields.Integer("Segments", compute="_compute_gateway_figures")
    gateway_encoding = fields.Char("Encoding", compute="_compute_gateway_figures")
    gateway_unicode_characters = fields.Char(
        "Characters forcing Unicode", compute="_compute_gateway_figures"
    )
    # Float, not Monetary: a segment costs fractions of a cent.
    gateway_cost = fields.Float(
        "Estimated cost", compute="_compute_gateway_figures", digits=(12, 4)
    )
    gateway_quota_left = fields.Integer(
        "Quota left this month", compute="_compute_gateway_figures"
    )
    gateway_quota_unlimited = fields.Boolean(compute="_compute_gateway_figures")
    gateway_recipient_count = fields.Integer(compute="_compute_gateway_figures")
    gateway_sendable_count = fields.Integer(compute="_compute_gateway_figures")
    gateway_warning = fields.Text(compute="_compute_gateway_figures")
    gateway_notice = fields.Text(compute="_compute_gateway_figures")

    @api.depends("res_model", "res_id", "res_ids")
    def _compute_gateway_company_id(self):
        for composer in self:
            company = self.env.company
            records = composer._get_records()
            if records:
                record = records[:1]
                company = record._mail_get_companies(default=company)[record.id]
            composer.gateway_company_id = company
            composer.gateway_applies = company._gateway_applies()

    @api.depends("res_model", "res_id", "composition_mode")
    def _compute_gateway_recipient_allowed_ids(self):
        for composer in self:
            contact = composer._gateway_contact()
            people = composer._gateway_people(contact)
            with_number = people.filtered("phone")
            composer.gateway_recipient_allowed_ids = with_number
            composer.gateway_recipient_choice = bool(with_number) and (
                len(with_number) > 1 or contact not in with_number
            )
            composer.gateway_recipients_status = (
                composer._gateway_people_status_html(people)
                if composer.gateway_recipient_choice
                else False
            )

    @api.depends("res_model", "res_id", "composition_mode")
    def _compute_gateway_recipient_id(self):
        for composer in self:
            contact = composer._gateway_contact()
            people = composer._gateway_people(contact).filtered("phone")
            if not people:
                composer.gateway_recipient_id = False
                continue
            refused = composer._gateway_people_verdicts(people)
            textable = people.filtered(lambda p, refused=refused: not refused[p.id])
            # The contact itself first, then whoever can actually be texted.
            for choice in (contact & textable, textable, contact & people, people):
                if choice:
                    composer.gateway_recipient_id = choice[:1]
                    break

    @api.depends("gateway_recipient_id")
    def _compute_recipient_single_stored(self):
        result = super()._compute_recipient_single_stored()
        for composer in self:
            recipient = composer.gateway_recipient_id
            if (
                recipient
                and composer.comment_single_recipient
                and recipient != composer._gateway_contact()
            ):
                composer.recipient_single_number_itf = (
                    recipient.phone_sanitized or recipient.phone or ""
                )
        return result

    @api.depends(
        "body",
        "composition_mode",
        "res_model",
        "res_id",
        "res_ids",
        "number_field_name",
        "sanitized_numbers",
        "recipient_single_number_itf",
        "gateway_recipient_id",
    )
    def _compute_gateway_figures(self):
        for composer in self:
            composer._gateway_set_figures()

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_send_sms(self):
        """Odoo's checks and send, then a notification saying what happened."""
        self.ensure_one()
        # Odoo's action returns nothing: its send hands us what it created.
        sent = []
        super(SmsComposer, self.with_context(sms_gateway_sent=sent)).action_send_sms()
        return self._gateway_result_action(sent[0] if sent else None)

    def _action_send_sms(self):
        result = super()._action_send_sms()
        sent = self.env.context.get("sms_gateway_sent")
        if sent is not None:
            sent.append(result)
        return result

    def _action_send_sms_numbers(self):
        when = self._gateway_when()
        if not when:
            return super()._action_send_sms_numbers()
        numbers = (
            self.sanitized_numbers.split(",")
            if self.sanitized_numbers
            else [
                self.recipient_single_number_itf or self.recipient_single_number or ""
            ]
        )
        sms = (
            self.env["sms.sms"]
            .sudo()
            .create(
                [
                    {"body": self.body, "number": number, "gateway_not_before": when}
                    for number in numbers
                ]
            )
        )
        self.env["sms.sms"]._gateway_wake([when])
        return sms

    def _action_send_sms_comment_single(self, records=None):
        records = records if records is not None else self._get_records()
        records.ensure_one()
        recipient = self.gateway_recipient_id
        if recipient and recipient != self._gateway_contact():
            # Another person of the contact: their number, not the record's.
            return self._action_send_sms_comment(records=records)
        return super()._action_send_sms_comment_single(records=records)

    def _action_send_sms_comment(self, records=None):
        records = records if records is not None else self._get_records()
        recipient = self.gateway_recipient_id
        other_person = (
            self.comment_single_recipient
            and recipient
            and recipient != self._gateway_contact()
        )
        when = self._gateway_when()
        if not other_person and not when:
            return super()._action_send_sms_comment(records=records)
        subtype_id = self.env["ir.model.data"]._xmlid_to_res_id("mail.mt_note")
        all_bodies = self._prepare_body_values(records)
        extra = {"put_in_queue": True} if when else {}
        if other_person:
            number = (
                self.recipient_single_number_itf
                or recipient.phone_sanitized
                or recipient.phone
            )
            extra.update(
                partner_ids=recipient.ids, sms_pid_to_number={recipient.id: number}
            )
        else:
            extra.update(
                number_field=self.number_field_name,
                sms_numbers=self.sanitized_numbers.split(",")
                if self.sanitized_numbers
                else None,
            )
        messages = self.env["mail.message"]
        for record in records:
            messages += record._message_sms(
                all_bodies[record.id], subtype_id=subtype_id, **extra
            )
        if when:
            self.env["sms.sms"].sudo().search(
                [("mail_message_id", "in", messages.ids), ("state", "=", "outgoing")]
            ).gateway_not_before = when
            self.env["sms.sms"]._gateway_wake([when])
        return messages

    def _action_send_sms_mass(self, records=None):
        when = self._gateway_when()
        if not when:
            return super()._action_send_sms_mass(records=records)
        self.mass_force_send = False
        sms = super()._action_send_sms_mass(records=records)
        sms.filtered(lambda s: s.state == "outgoing").gateway_not_before = when
        self.env["sms.sms"]._gateway_wake([when])
        return sms

    def _prepare_mass_sms_values(self, records):
        # A bulk send by SMS marketing is marketing (quiet hours, no per-user
        # rate limit); by anyone else it is that person texting (rate limited).
        # Decided here, on the server, never from a client's context.
        result = super()._prepare_mass_sms_values(records)
        marketing = self.env.user.has_group("sms_twilio_gateway.group_sms_marketing")
        kind = "marketing" if marketing else "interactive"
        for values in result.values():
            values.setdefault("gateway_kind", kind)
        return result

    # ------------------------------------------------------------------
    # Gateway helpers
    # ------------------------------------------------------------------

    def _gateway_when(self):
        """The scheduled time, when it is still to come."""
        when = self.gateway_scheduled_at
        return when if when and when > fields.Datetime.now() else False

    def _gateway_contact(self):
        """The person the composer texts by default (comment mode, one record)."""
        self.ensure_one()
        partner = self.env["res.partner"]
        if not self.comment_single_recipient or not self.res_model:
            return partner
        record = self._get_records()
        if not record or len(record) != 1 or not record.exists():
            return partner
        if record._name == "res.partner":
            return record
        return record._mail_get_partners()[record.id][:1]

    def _gateway_people(self, contact):
        """The contact and its child contacts."""
        return (contact | contact.child_ids) if contact else contact

    def _gateway_people_verdicts(self, people):
        """{partner id: failure verdict or False} for these people's numbers.

        Number-level checks only (empty body, no rate limit): whether each one
        can be texted at all.
        """
        if not people:
            return {}
        company = self.gateway_company_id or self.env.company
        preview = (
            self.env["sms.gateway"]
            .sudo()
            ._preview(
                company,
                "",
                [(person, person.phone_sanitized or person.phone) for person in people],
                kind="automated",
            )
        )
        return {
            person.id: verdict if verdict.get("failure_type") else False
            for person, verdict in zip(people, preview["verdicts"], strict=True)
        }

    def _gateway_people_status_html(self, people):
        verdicts = self._gateway_people_verdicts(people)
        items = []
        for person in people:
            verdict = verdicts[person.id]
            if verdict:
                reason = (
                    short_reason(self.env, verdict["failure_type"]) or verdict["reason"]
                )
                items.append(
                    Markup(
                        '<li class="text-muted" title="%s"><i class="fa fa-ban '
                        'text-danger me-1" role="img"/>%s — %s</li>'
                    )
                    % (verdict["reason"], person.name or "", reason)
                )
            else:
                items.append(
                    Markup(
                        '<li><i class="fa fa-check text-success me-1" role="img"/>'
                        "%s — %s</li>"
                    )
                    % (person.name or "", person.phone_sanitized or person.phone)
                )
        return Markup('<ul class="list-unstyled mb-0">%s</ul>') % Markup("").join(items)

    def _gateway_preview_body(self):
        """The body as it will be sent: placeholders rendered for one record."""
        body = self.body or ""
        if (
            "{{" in body
            and self.composition_mode == "comment"
            and self.res_model
            and self.res_id
        ):
            try:
                return self.env["mail.render.mixin"]._render_template(
                    body, self.res_model, [self.res_id]
                )[self.res_id]
            except Exception:  # noqa: BLE001 - half-typed placeholder: count as is
                return body
        return body

    def _gateway_preview_recipients(self):
        """(partner, number) pairs the composer would text."""
        partner = self.env["res.partner"]
        if self.composition_mode == "numbers" or (
            self.composition_mode == "comment" and self.sanitized_numbers
        ):
            if self.sanitized_numbers:
                return [(partner, n) for n in self.sanitized_numbers.split(",")]
            number = self.recipient_single_number_itf or self.recipient_single_number
            return [(partner, number)] if number else []
        if self.comment_single_recipient:
            recipient = self.gateway_recipient_id or self._gateway_contact()
            number = (
                self.recipient_single_number_itf
                or self.recipient_single_number
                or recipient.phone_sanitized
                or recipient.phone
            )
            return [(recipient, number)]
        records = self._get_records()
        if not records:
            return []
        info = records._sms_get_recipients_info(force_field=self.number_field_name)
        return [
            (rec_info["partner"], rec_info["sanitized"] or rec_info["number"])
            for rec_info in (info[record.id] for record in records)
        ]

    def _gateway_set_figures(self):
        self.ensure_one()
        company = self.gateway_company_id or self.env.company
        body = self._gateway_preview_body()
        recipients = (
            self._gateway_preview_recipients()
            if self.res_model or (self.composition_mode == "numbers")
            else []
        )
        kind = "marketing" if getattr(self, "mailing_id", False) else "interactive"
        preview = (
            self.env["sms.gateway"]
            .sudo()
            ._preview(company, body, recipients, kind=kind)
        )
        info = preview["info"]
        allowance = preview["allowance"]
        self.gateway_characters = info.characters
        self.gateway_max_characters = segments.MAX_BODY_CHARS
        self.gateway_segments = info.segments
        self.gateway_encoding = info.encoding
        self.gateway_unicode_characters = describe_characters(info.unicode_characters)
        self.gateway_cost = preview["cost"] or info.segments * company.sms_segment_price
        self.gateway_quota_unlimited = allowance.included_left is None
        self.gateway_quota_left = allowance.included_left or 0
        self.gateway_recipient_count = len(recipients)
        self.gateway_sendable_count = preview["sendable"]
        self.gateway_warning, self.gateway_notice = self._gateway_messages(
            company, info, preview, len(recipients)
        )

    def _gateway_messages(self, company, info, preview, count):
        """(warning when the gateway would refuse, notice) for the figures."""
        env = self.env
        if too_long := env["sms.gateway"]._length_reason(company, info):
            return too_long, False
        failed = [v for v in preview["verdicts"] if v.get("failure_type")]
        warning = notice = False
        if count == 1 and failed:
            warning = failed[0]["reason"]
        elif failed:
            warning = env._(
                "%(excluded)s of %(count)s recipients will not receive it: "
                "%(reasons)s.",
                excluded=len(failed),
                count=count,
                reasons=", ".join(
                    f"{label} ({number})"
                    for label, number in preview["excluded"].items()
                ),
            )
        if preview["over_cap"]:
            warning = "\n".join(
                filter(
                    None,
                    [
                        warning,
                        env._(
                            "Monthly SMS quota and overage cap reached: an "
                            "administrator can raise them in Settings, or wait for "
                            "next month."
                        ),
                    ],
                )
            )
        elif preview["overage"]:
            notice = env._(
                "This goes over the monthly quota: segments over it are billed "
                "%(price)s each.",
                price=company.sms_overage_price,
            )
        return warning, notice

    def _gateway_result_action(self, result):
        """A notification saying what happened, then the dialog closes."""
        env = self.env
        failures, sent, queued, who = [], 0, 0, ""
        if result and result._name == "mail.message":
            notifications = result.sudo().notification_ids.filtered(
                lambda n: n.notification_type == "sms"
            )
            for notif in notifications:
                if notif.notification_status in FAILED_NOTIFICATION_STATUSES:
                    failures.append(
                        notif.failure_reason or notif.format_failure_reason()
                    )
                elif notif.notification_status == "ready":
                    queued += 1
                else:
                    sent += 1
            names = notifications.res_partner_id.mapped("name") or notifications.mapped(
                "sms_number"
            )
            who = ", ".join(filter(None, names))
        elif result:
            labels = dict(result._fields["failure_type"]._description_selection(env))
            for sms in result.sudo():
                if sms.state in ("error", "canceled"):
                    failures.append(
                        sms.gateway_reason or labels.get(sms.failure_type, "")
                    )
                elif sms.state == "outgoing":
                    queued += 1
                else:
                    sent += 1
            who = env._("%(count)s recipients", count=len(result))
        when = self._gateway_when()
        if when:
            notification = {
                "type": "info",
                "title": env._("SMS scheduled"),
                "message": env._(
                    "Scheduled for %(when)s (%(who)s).",
                    when=format_datetime(env, when),
                    who=who,
                ),
            }
        elif failures and not (sent or queued):
            notification = {
                "type": "danger",
                "title": env._("SMS not sent"),
                "message": "\n".join(dict.fromkeys(failures)),
                "sticky": True,
            }
        elif failures or queued:
            parts = []
            if sent:
                parts.append(env._("%(count)s sent", count=sent))
            if queued:
                parts.append(env._("%(count)s queued", count=queued))
            if failures:
                parts.append(
                    env._(
                        "%(count)s refused: %(reasons)s",
                        count=len(failures),
                        reasons="; ".join(dict.fromkeys(failures)),
                    )
                )
            notification = {
                "type": "warning" if failures else "success",
                "title": env._("SMS"),
                "message": ", ".join(parts) + ".",
            }
        else:
            notification = {
                "type": "success",
                "title": env._("SMS sent"),
                "message": env._("Sent to %(who)s.", who=who)
                if who
                else env._("Sent."),
            }
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": dict(notification, next={"type": "ir.actions.act_window_close"}),
        }
