# Part of sms_twilio_gateway. License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""SMS marketing: who may send a mailing, who will receive it and why not.

Sending an SMS mailing (launch, queue, schedule, retry, send now) takes the
SMS marketing group wherever the gateway governs the user's companies: Odoo
only asks for mass-mailing rights.

The previews are shared by the mailing form and the mailing-list confirmation
wizard. The exclusions are those of Odoo's mass SMS composer (unsubscribed
from the list, same number twice) and then the gateway's own decision
(``sms.gateway._preview``, kind ``marketing``).
"""

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError
from odoo.tools.misc import formatLang

from ..tools import billing, policy, segments
from .sms_gateway_words import UNSUBSCRIBED

SMS_MARKETING_GROUP = "sms_twilio_gateway.group_sms_marketing"
# States of a mailing on its way out: reaching them is sending.
SENDING_STATES = ("in_queue", "sending")

# Keys of the exclusions Odoo's composer makes before the gateway.
OPTED_OUT_OF_LIST = UNSUBSCRIBED
DUPLICATE_NUMBER = "sms_duplicate"


class MailingMailing(models.Model):
    _inherit = "mailing.mailing"

    # Chosen in the list-send confirmation; empty: the gateway's usual choice.
    sms_gateway_sender = fields.Char("SMS sender")
    sms_gateway_number_field = fields.Char("Phone field texted")
    gateway_sms_summary = fields.Html(
        "SMS recipients",
        compute="_compute_gateway_sms_summary",
        sanitize=False,
        help="Who will receive this SMS and who will not, as the gateway decides "
        "it right now.",
    )

    @api.depends(
        "mailing_type",
        "state",
        "body_plaintext",
        "mailing_model_id",
        "mailing_domain",
        "contact_list_ids",
    )
    def _compute_gateway_sms_summary(self):
        for mailing in self:
            if mailing.mailing_type != "sms" or mailing.state not in (
                "draft",
                "in_queue",
                "test",
            ):
                mailing.gateway_sms_summary = False
                continue
            preview = mailing._gateway_sms_preview()
            mailing.gateway_sms_summary = self._gateway_sms_summary_html(preview)

    @api.model_create_multi
    def create(self, vals_list):
        mailings = super().create(vals_list)
        mailings.filtered(
            lambda m: m.state in SENDING_STATES
        )._gateway_check_sms_marketing()
        return mailings

    def write(self, vals):
        # Queuing (launch, schedule, retry) is a write of the state, from a
        # button or a bare RPC call; the mailing cron's user has the group.
        if {"state", "mailing_type"} & set(vals):
            self.filtered(
                lambda m: (
                    vals.get("mailing_type", m.mailing_type) == "sms"
                    and vals.get("state", m.state) in SENDING_STATES
                )
            )._gateway_check_sms_marketing()
        return super().write(vals)

    def action_send_sms(self, res_ids=None):
        """Odoo's "send now" of SMS mailings, public and reached by the cron."""
        self._gateway_check_sms_marketing()
        return super().action_send_sms(res_ids=res_ids)

    def _send_sms_get_composer_values(self, res_ids):
        values = super()._send_sms_get_composer_values(res_ids)
        if self.sms_gateway_number_field:
            values["number_field_name"] = self.sms_gateway_number_field
        return values

    def _gateway_check_sms_marketing(self):
        """Refuse to send these SMS mailings without the SMS marketing group."""
        sms_mailings = self.filtered(lambda m: m.mailing_type == "sms")
        if not sms_mailings or self.env.su:
            return
        if self.env.user.has_group(SMS_MARKETING_GROUP):
            return
        # The company an SMS mailing is sent for is settled when it is sent,
        # not by the company the user is working in.
        companies = self.env.user.sudo().company_ids
        if any(company._gateway_applies() for company in companies):
            raise AccessError(
                self.env._(
                    "Only SMS marketing users can send SMS mailings: ask an "
                    "administrator for the SMS Marketing access."
                )
            )

    def _gateway_sms_preview(self):
        """Preview of this SMS mailing for its current recipients."""
        self.ensure_one()
        model = self.mailing_model_real
        if not model or model not in self.env:
            return self._gateway_sms_preview_records(model, [], "", self.env.company)
        res_ids = self._get_recipients()
        opt_out = set(self._get_opt_out_list_sms()) if res_ids else set()
        return self._gateway_sms_preview_records(
            model, res_ids, self.body_plaintext or "", self.env.company, opt_out
        )

    @api.model
    def _gateway_sms_preview_records(
        self, model, res_ids, body, company, opt_out_ids=(), number_field=False
    ):
        """What a mass SMS to these records would do.

        :return: dict with ``total`` records, ``sendable``, ``excluded``
            ``{key: count}`` and ``labels`` ``{key: label}``, ``segments``
            (total, placeholders rendered), ``cost``, ``allowance``,
            ``overage_segments``, ``over_cap`` and ``info`` (the raw body)
        """
        env = self.env
        excluded = {}
        gateway = env["sms.gateway"]
        labels = gateway._labels()
        records = env[model].browse(res_ids) if model else None
        to_check = []
        if records:
            recipients = records._gateway_sms_recipients(number_field)
            seen = set()
            for record in records:
                partner, number, sanitized = recipients[record.id]
                # Odoo's composer: the first record of a number keeps it, even
                # when it is itself excluded.
                if sanitized and record.id in opt_out_ids:
                    excluded[OPTED_OUT_OF_LIST] = excluded.get(OPTED_OUT_OF_LIST, 0) + 1
                elif sanitized and sanitized in seen:
                    excluded[DUPLICATE_NUMBER] = excluded.get(DUPLICATE_NUMBER, 0) + 1
                else:
                    to_check.append((record, partner, sanitized or number))
                if sanitized:
                    seen.add(sanitized)
        preview = (
            env["sms.gateway"]
            .sudo()
            ._preview(
                company,
                body,
                [(partner, number) for _record, partner, number in to_check],
                kind="marketing",
            )
        )
        sendable = []
        releases = []  # (not before, segments) of each SMS that will leave
        for (record, _partner, _number), verdict in zip(
            to_check, preview["verdicts"], strict=True
        ):
            failure = verdict.get("failure_type")
            if failure:
                excluded[failure] = excluded.get(failure, 0) + 1
                labels.setdefault(failure, gateway._label(failure, labels))
            else:
                sendable.append(record)
                releases.append((verdict["not_before"], verdict["info"].segments))
        total_segments = self._gateway_sms_segments(model, sendable, body, company)
        allowance = preview["allowance"]
        over_cap = (
            allowance.total_left is not None and total_segments > allowance.total_left
        )
        return {
            "total": len(records) if records else 0,
            "sendable": len(sendable),
            "excluded": excluded,
            "labels": labels,
            "segments": total_segments,
            "cost": total_segments * company.sms_segment_price,
            "currency": company.currency_id,
            "company": company,
            "allowance": allowance,
            "overage_segments": billing.overage_segments(
                allowance.quota, allowance.used, total_segments
            ),
            "over_cap": over_cap,
            "info": preview["info"],
            "releases": releases,
        }

    @api.model
    def _gateway_sms_segments(self, model, records, body, company):
        """Total segments, each body rendered for its recipient."""
        smart = company.sms_smart_encoding
        if not records:
            return 0
        if "{{" not in (body or ""):
            return len(records) * segments.count_segments(body, smart).segments
        try:
            bodies = self.env["mail.render.mixin"]._render_template(
                body, model, [record.id for record in records]
            )
        except Exception:  # noqa: BLE001 - half-typed placeholder: count as is
            return len(records) * segments.count_segments(body, smart).segments
        return sum(
            segments.count_segments(text or "", smart).segments
            for text in bodies.values()
        )

    @api.model
    def _gateway_sms_summary_html(self, preview):
        env = self.env
        gateway = env["sms.gateway"]
        allowance = preview["allowance"]
        info = preview["info"]
        limit = policy.max_characters(
            info.encoding, preview["company"].sms_max_segments or 0
        )
        lines = [
            Markup('<span class="o_sms_gateway_mailing_counter">%s</span>')
            % env._(
                "%(characters)s · %(segments)s per SMS · %(encoding)s",
                characters=gateway._format_characters(info.characters, limit),
                segments=gateway._format_segments(info.segments),
                encoding=info.encoding,
            ),
            Markup("<strong>%s</strong>")
            % env._(
                "%(sendable)s of %(total)s recipients will receive it.",
                sendable=preview["sendable"],
                total=preview["total"],
            ),
        ]
        if preview["excluded"]:
            lines.append(
                Markup("%s %s")
                % (
                    env._("Excluded:"),
                    ", ".join(
                        f"{preview['labels'][key]} ({count})"
                        for key, count in preview["excluded"].items()
                    ),
                )
            )
        lines.append(
            env._(
                "%(segments)s in all, estimated cost %(cost)s.",
                segments=gateway._format_segments(preview["segments"]),
                cost=gateway._format_cost(preview["cost"], preview["currency"]),
            )
        )
        if allowance.included_left is None:
            lines.append(env._("No monthly quota."))
        else:
            lines.append(
                env._(
                    "Quota left this month: %(left)s of %(quota)s.",
                    left=formatLang(env, allowance.included_left, digits=0),
                    quota=gateway._format_segments(allowance.quota),
                )
            )
        if preview["over_cap"]:
            lines.append(
                Markup('<span class="text-danger">%s</span>')
                % env._(
                    "The monthly quota and its overage cap would be exceeded: the "
                    "gateway refuses what does not fit."
                )
            )
        elif preview["overage_segments"]:
            lines.append(
                Markup('<span class="text-warning">%s</span>')
                % env._(
                    "%(segments)s over the quota, billed as overage.",
                    segments=gateway._format_segments(preview["overage_segments"]),
                )
            )
        return Markup("<br/>").join(lines)
