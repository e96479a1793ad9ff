# Part of sms_twilio_gateway. License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The gateway's decision in Odoo: facts loaded in batches, one pure verdict.

The rules themselves are :func:`..tools.policy.decide`; this model only loads
what they read (opt-outs, do-not-contact, number facts, recent bodies, rate
counts), guards them against concurrent senders, and words the reasons. The
send path, the composer, the contact's "can text" hint, the mailing
confirmation and the mailing-list figures all come through here.
"""

from collections import Counter

from odoo import api, fields, models
from odoo.tools import SQL

from ..tools import phone_numbers, policy


class SmsGateway(models.AbstractModel):
    _name = "sms.gateway"
    _description = "SMS gateway decision"

    # ------------------------------------------------------------------
    # Deciding
    # ------------------------------------------------------------------

    @api.model
    def _rules(self, company):
        return policy.Rules(
            smart_encoding=company.sms_smart_encoding,
            max_segments=company.sms_max_segments or 0,
            rate_limit=company.sms_rate_limit or 0,
            quiet_hours=(company.sms_quiet_start, company.sms_quiet_end)
            if company.sms_quiet_hours_enabled
            else None,
            default_timezone=company.partner_id.tz or self.env.user.tz or "UTC",
            default_region=company.country_id.code or None,
            countries=frozenset(company.sms_country_ids.mapped("code")),
            daily_cap=company.sms_daily_cap or 0,
            legal_quiet_hours=company.sms_quiet_hours_enabled
            and company.sms_legal_quiet_hours,
        )

    @api.model
    def _decide(self, company, requests, now=None, guard=False, lookup=False):
        """Verdicts ``{request.key: Verdict}`` for requests of one company.

        :param guard: the caller is about to send: conflict with any concurrent
            transaction deciding on the same authors or numbers (see
            ``sms.guard``), so that the rate limit and the double-click guard
            count what the other one sent
        :param lookup: look up numbers never looked up, when the company's
            policy is "at first send" (a failed lookup never blocks); a
            number of a mobile-only range is no landline: it is looked up
            beside its sending instead (``sms.dispatch``), no SMS waits
        """
        now = now or fields.Datetime.now()
        rules = self._rules(company)
        checks = policy.check_numbers(requests, rules)
        numbers = {check.e164 for check in checks.values() if check.e164}
        if guard:
            self._guard(company, requests, numbers)
        if lookup and company.sms_lookup_policy == "first_send":
            self.env["sms.number"]._gateway_lookup_due(
                {n for n in numbers if not phone_numbers.is_mobile_range(n)},
                company,
                company.sms_lookup_refresh_days,
            )
        facts = self._facts(company, requests, numbers, now)
        return policy.decide(requests, facts, rules, now, checks)

    @api.model
    def _guard(self, company, requests, numbers):
        keys = [f"rate:{company.id}:{author}" for author in _rated_authors(requests)]
        keys += [f"dup:{company.id}:{number}" for number in numbers]
        if company.sms_daily_cap:
            # Every sender of the company counts the same day: they conflict.
            keys.append(f"day:{company.id}")
        self.env["sms.guard"]._touch(keys)

    @api.model
    def _facts(self, company, requests, numbers, now):
        env = self.env
        numbers = list(numbers)
        # The numbers are E.164 already: the blacklist's own search would
        # parse each of them again.
        env["phone.blacklist"].flush_model(["number", "active"])
        opted_out = env.execute_query(
            SQL(
                "SELECT number FROM phone_blacklist WHERE active AND number = ANY(%s)",
                numbers,
            )
        )
        dnc = env["res.partner"]._gateway_dnc_numbers(numbers, company)
        dnc |= env["mailing.contact"]._gateway_dnc_numbers(numbers, company)
        facts = env["sms.number"].sudo().search_fetch(
            [("number", "in", numbers), "|", ("blocked", "=", True),
             ("line_type", "=", "landline")],
            ["number", "blocked", "line_type"],
        )  # fmt: skip
        logs = env["sms.log"].sudo()
        recent = logs.search_fetch(
            [
                ("direction", "=", "outbound"),
                ("company_id", "=", company.id),
                ("number", "in", numbers),
                ("create_date", ">=", now - policy.DUPLICATE_WINDOW),
                ("status", "not in", ("blocked", "canceled")),
            ],
            ["number", "body"],
        )
        messages = [r.message for r in requests if r.message]
        review = messages and logs.search_fetch(
            [("mail_message_id", "in", messages), ("status", "=", "review")],
            ["mail_message_id", "number"],
        )
        return policy.Facts(
            opted_out=frozenset(number for (number,) in opted_out),
            do_not_contact=frozenset(dnc),
            blocked=frozenset(facts.filtered("blocked").mapped("number")),
            landlines=frozenset(
                facts.filtered(lambda f: f.line_type == "landline").mapped("number")
            ),
            recent=frozenset((log.number, log.body or "") for log in recent),
            under_review=frozenset(
                (log.mail_message_id.id, log.number) for log in review
            ),
            rate_used=self._rate_used(company, requests, now),
            daily_used=self._daily_used(company, now),
        )

    @api.model
    def _daily_used(self, company, now):
        """SMS the company sent (or is sending) since its day began."""
        if not company.sms_daily_cap:
            return 0
        zone = company.partner_id.tz or self.env.user.tz or "UTC"
        return (
            self.env["sms.log"]
            .sudo()
            .search_count(
                [
                    ("direction", "=", "outbound"),
                    ("company_id", "=", company.id),
                    ("create_date", ">=", policy.day_start(now, zone)),
                    ("status", "not in", ("blocked", "canceled")),
                ]
            )
        )

    @api.model
    def _rate_used(self, company, requests, now):
        authors = _rated_authors(requests)
        if not authors or not company.sms_rate_limit:
            return {}
        groups = (
            self.env["sms.log"]
            .sudo()
            ._read_group(
                [
                    ("direction", "=", "outbound"),
                    ("company_id", "=", company.id),
                    ("user_id", "in", list(authors)),
                    ("create_date", ">=", now - policy.RATE_WINDOW),
                    ("status", "not in", ("blocked", "canceled")),
                ],
                ["user_id"],
                ["__count"],
            )
        )
        return {user.id: count for user, count in groups}

    # ------------------------------------------------------------------
    # Words
    # ------------------------------------------------------------------

    @api.model
    def _reason(self, verdict):
        """The human reason of a refused verdict, translated."""
        args = dict(verdict.reason_args)
        match verdict.reason:
            case "number_missing":
                return self.env._("No phone number to text.")
            case "number_unparseable":
                return self.env._("The number cannot be read as a phone number.")
            case "number_invalid":
                return self.env._("The number is not a valid number for its country.")
            case "number_all_zeros":
                return self.env._("The number is all zeros.")
            case "number_digit_run":
                return self.env._(
                    "The number is a straight run of digits (like 123456789), not a "
                    "real number."
                )
            case "under_review":
                return self.env._(
                    "Twilio may already have sent this SMS (its answer was lost): "
                    "check the Twilio console; it is never sent twice automatically."
                )
            case "opted_out":
                return self.env._(
                    "This number opted out (STOP) and cannot be texted until it "
                    "replies START."
                )
            case "do_not_contact":
                return self.env._("This contact is marked do-not-text.")
            case "blocked":
                return self.env._(
                    "This number was blocked after repeated carrier failures: a "
                    "manager can unblock it in SMS > Numbers."
                )
            case "landline":
                return self.env._("This number is a landline: it cannot receive SMS.")
            case "too_long":
                return self.env._(
                    "Message too long: %(chars)s characters in %(segments)s "
                    "segments; the limit is %(max_segments)s segments "
                    "(%(max_chars)s characters).",
                    **args,
                )
            case "duplicate":
                return self.env._(
                    "Same text to the same number within 2 seconds: sent once."
                )
            case "rate_limit":
                return self.env._(
                    "Rate limit: %(limit)s messages per minute. Try again shortly.",
                    **args,
                )
            case "country":
                return self.env._(
                    "Numbers of this country (%(country)s) may not be texted: an "
                    "administrator sets the allowed countries in Settings.",
                    **args,
                )
            case "daily_cap":
                return self.env._(
                    "Daily cap reached: the company may send %(cap)s SMS a day. "
                    "Try again tomorrow, or ask an administrator to raise it.",
                    **args,
                )
        return False

    @api.model
    def _quota_reason(self):
        return self.env._(
            "Monthly SMS quota and overage cap reached: an administrator can raise "
            "them in Settings, or wait for next month."
        )

    @api.model
    def _length_reason(self, company, info):
        """Why a body of these segments is too long for the company, or False."""
        rules = self._rules(company)
        if not policy.too_long(info, rules.max_segments):
            return False
        args = policy.too_long_args(info, rules)
        verdict = policy.Verdict(
            policy.BLOCK, None, info, "", "sms_too_long", "too_long", args
        )
        return self._reason(verdict)

    # ------------------------------------------------------------------
    # Previews
    # ------------------------------------------------------------------

    @api.model
    def _preview(self, company, body, recipients, kind=policy.INTERACTIVE):
        """What the gateway would decide, without sending, locking or looking up.

        :param recipients: list of (partner or empty record, number) pairs
        :return: dict with ``info`` (segments of the body), per-recipient
            ``verdicts`` (list of dicts: ``outcome``, ``failure_type``,
            ``reason``, ``info``; same order), ``sendable`` count, ``excluded``
            {failure label: count}, ``segments`` total, ``cost`` estimate and
            ``allowance`` (quota left, see tools.billing)
        """
        author = self.env.user.id
        requests = [
            policy.Request(
                index,
                number,
                body or "",
                kind=kind,
                author=author,
                region=partner.country_id.code or None if partner else None,
                timezone=partner.tz or None if partner else None,
                partner_dnc=bool(partner and partner.sms_dnc),
            )
            for index, (partner, number) in enumerate(recipients)
        ]
        verdicts = self._decide(company, requests) if requests else {}
        info = policy.segments.count_segments(
            body or "", smart_encoding=company.sms_smart_encoding
        )
        labels = self._labels()
        excluded = Counter()
        total = sendable = 0
        ordered = []
        for index in range(len(requests)):
            verdict = verdicts[index]
            refused = verdict.outcome in (policy.BLOCK, policy.DROP)
            if refused:
                excluded[self._label(verdict.failure_type, labels)] += 1
            else:
                sendable += 1
                total += verdict.info.segments
            ordered.append(
                {
                    "outcome": verdict.outcome,
                    "failure_type": verdict.failure_type if refused else False,
                    "reason": self._reason(verdict) if refused else False,
                    "info": verdict.info,
                    "not_before": verdict.not_before,
                }
            )
        usage = self.env["sms.usage"]._gateway_current(company)
        allowance = usage._gateway_allowance(company)
        return {
            "info": info,
            "verdicts": ordered,
            "sendable": sendable,
            "excluded": dict(excluded),
            "segments": total,
            "cost": total * company.sms_segment_price,
            "allowance": allowance,
            "overage": bool(
                allowance.included_left is not None and total > allowance.included_left
            ),
            "over_cap": bool(
                allowance.total_left is not None and total > allowance.total_left
            ),
        }


def _rated_authors(requests):
    """The authors whose SMS of this batch the rate limit counts."""
    return {r.author for r in requests if r.kind == policy.INTERACTIVE and r.author}
