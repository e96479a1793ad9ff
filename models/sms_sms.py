# Part of sms_twilio_gateway. License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The gateway: every SMS of a gateway company passes here before Twilio.

``sms.sms._send`` is the one place every sending path reaches (composer,
chatter, templates, automated actions, calendar reminders, SMS marketing and
the queue cron). For companies whose gateway is on, sending runs in three
steps, so that an SMS handed to Twilio is never sent twice:

1. decide (checks in the order of the design), reserve quota and claim the
   SMS (state ``process``, a log row ``outgoing``) in the caller's transaction;
2. hand-off: mark the log row ``handed`` and commit, before calling Twilio;
3. call Twilio through the SDK, write the result, commit.

Steps 2-3 run right away in the queue cron, and after the caller's commit
(post-commit, in a fresh cursor) for interactive sends. A crash between 2 and
3 leaves an SMS whose fate is unknown: the recovery cron flags it for review
and never sends it again.
"""

import logging
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, timedelta

import requests
from twilio.base.exceptions import TwilioRestException

from odoo import api, fields, models, modules
from odoo.addons.sms_twilio.tools.sms_twilio import (
    get_twilio_from_number,
    get_twilio_status_callback_url,
)
from odoo.tools import SQL

from ..tools import phone_numbers, quiet_hours, segments, twilio_errors
from .gateway_commit import commit_progress

_logger = logging.getLogger(__name__)

GATEWAY_FAILURE_TYPES = [
    ("sms_dnc", "Do Not Contact"),
    ("sms_blocked", "Number Blocked"),
    ("sms_landline", "Landline"),
    ("sms_too_long", "Message Too Long"),
    ("sms_rate_limit", "Rate Limit"),
    ("sms_quota", "Quota Exceeded"),
    ("sms_review", "Fate Unknown (Review)"),
]
# Delivery failure keys Odoo knows on notifications and traces; Twilio may
# answer them at send time too.
DELIVERY_FAILURE_TYPES = [
    ("sms_expired", "Expired"),
    ("sms_invalid_destination", "Invalid Destination"),
    ("sms_not_allowed", "Not Allowed"),
    ("sms_not_delivered", "Not Delivered"),
    ("sms_rejected", "Rejected"),
]
# mail.notification lacks the keys Odoo only sets on sms.sms in mass mode.
NOTIFICATION_FAILURE_TYPES = GATEWAY_FAILURE_TYPES + [
    ("sms_blacklist", "Blacklisted"),
    ("sms_duplicate", "Duplicate"),
]
DUPLICATE_WINDOW = timedelta(seconds=2)
MAX_ATTEMPTS = 5  # retries of 429 / 5xx / connection refused, then error
RETRY_BASE = timedelta(seconds=30)  # 30 s, 1 min, 2 min, 4 min
CLAIM_TIMEOUT = timedelta(minutes=10)
PARALLEL_REQUESTS = 4


class SmsSms(models.Model):
    _inherit = "sms.sms"

    failure_type = fields.Selection(
        selection_add=GATEWAY_FAILURE_TYPES + DELIVERY_FAILURE_TYPES
    )
    gateway_kind = fields.Selection(
        [
            ("interactive", "Sent by a user"),
            ("marketing", "Marketing"),
            ("automated", "Automated"),
        ],
        compute="_compute_gateway_kind",
        store=True,
        readonly=False,
    )
    gateway_not_before = fields.Datetime(
        "Not before", index="btree_not_null", copy=False
    )
    gateway_attempts = fields.Integer(copy=False)
    gateway_log_id = fields.Many2one("sms.log", copy=False, index="btree_not_null")
    gateway_reason = fields.Char("Reason", copy=False)

    @api.depends("mailing_id")
    def _compute_gateway_kind(self):
        automated = self.env.su and self.env.uid == api.SUPERUSER_ID
        kind = self.env.context.get("sms_gateway_kind")
        for sms in self:
            if sms.gateway_kind:
                continue
            if sms.mailing_id:
                sms.gateway_kind = "marketing"
            else:
                sms.gateway_kind = kind or ("automated" if automated else "interactive")

    # ------------------------------------------------------------------
    # Queue
    # ------------------------------------------------------------------

    @api.model
    def _process_queue(self):
        """Odoo's cron, but deferred SMS wait for their time.

        Rows are locked with ``SKIP LOCKED`` so several workers drain the queue
        side by side; each batch is committed before the next.
        """
        domain = [
            ("state", "=", "outgoing"),
            ("to_delete", "!=", True),
            "|",
            ("gateway_not_before", "=", False),
            ("gateway_not_before", "<=", fields.Datetime.now()),
        ]
        batch_size = self._get_send_batch_size()
        records = self.search(
            domain, limit=batch_size, order="id"
        ).try_lock_for_update()
        if records:
            records.with_context(sms_gateway_commit=True)._send(
                unlink_failed=False, unlink_sent=True, raise_exception=False
            )
            commit_progress(
                self.env,
                len(records),
                remaining=self.search_count(domain)
                if len(records) == batch_size
                else 0,
            )
        self._gateway_recover()

    def _send(self, unlink_failed=False, unlink_sent=True, raise_exception=False):
        by_company = defaultdict(lambda: self.browse())
        for sms in self:
            by_company[sms._get_sms_company()] |= sms
        others = self.browse()
        for company, company_sms in by_company.items():
            if company._gateway_applies():
                company_sms._gateway_send(company, unlink_sent=unlink_sent)
            else:
                others |= company_sms
        if others:
            return super(SmsSms, others)._send(
                unlink_failed=unlink_failed,
                unlink_sent=unlink_sent,
                raise_exception=raise_exception,
            )

    # ------------------------------------------------------------------
    # Step 1: decide, reserve, claim
    # ------------------------------------------------------------------

    def _gateway_send(self, company, unlink_sent=True):
        now = fields.Datetime.now()
        to_send = self.filtered(
            lambda s: (
                s.state == "outgoing"
                and not s.to_delete
                and (not s.gateway_not_before or s.gateway_not_before <= now)
            )
        )
        if not to_send:
            return
        verdicts = to_send._gateway_decide(company, now)
        blocked = defaultdict(lambda: self.browse())
        deferred = {}
        allowed = self.browse()
        for sms in to_send:
            verdict = verdicts[sms.id]
            if verdict.get("defer"):
                deferred[sms] = verdict["defer"]
            elif verdict.get("failure_type"):
                blocked[(verdict["failure_type"], verdict["reason"])] |= sms
            else:
                allowed |= sms
        for sms, when in deferred.items():
            sms.gateway_not_before = when
        for (failure_type, reason), sms in blocked.items():
            sms._gateway_block(failure_type, reason, verdicts)
        if not allowed:
            return
        granted = self.env["sms.usage"]._gateway_reserve(
            company, [verdicts[s.id]["segments"] for s in allowed]
        )
        over = allowed.browse(
            [s.id for s, ok in zip(allowed, granted, strict=True) if not ok]
        )
        if over:
            over._gateway_block(
                "sms_quota",
                self.env._(
                    "Monthly SMS quota and overage cap reached: an administrator can "
                    "raise them in Settings, or wait for next month."
                ),
                verdicts,
            )
        claimed = allowed - over
        if claimed:
            claimed._gateway_claim(company, verdicts)
            claimed._gateway_dispatch_soon(unlink_sent=unlink_sent)

    def _gateway_decide(self, company, now, preview=False):
        """The gateway's verdict for each SMS, in the design's order.

        With ``preview`` (the composer's and the mailing confirmation's live
        figures), nothing is written, looked up or locked: same rules, same
        numbers, no side effect.

        :return: {sms id: {"failure_type", "reason"} | {"defer": datetime} |
            {"e164", "segments", "encoding", "sender"...}}
        """
        env = self.env
        company_region = company.country_id.code or None
        smart = company.sms_smart_encoding
        verdicts = {}
        checks = {}
        for sms in self:
            region = sms.partner_id.country_id.code or company_region
            checks[sms.id] = phone_numbers.check_number(sms.number, region)
        numbers = {c.e164 for c in checks.values() if c.ok}
        blacklisted = set(
            env["phone.blacklist"]
            .sudo()
            .search_fetch([("number", "in", list(numbers))], ["number"])
            .mapped("number")
        )
        dnc_partners = set(self.partner_id.filtered("sms_dnc").ids)
        dnc_numbers = env["res.partner"]._gateway_dnc_numbers(numbers, company)
        dnc_numbers |= env["mailing.contact"]._gateway_dnc_numbers(numbers, company)
        facts = env["sms.number"]._gateway_get(numbers, create=not preview)
        if company.sms_lookup_policy == "first_send" and not preview:
            facts.filtered(lambda f: not f.blocked)._gateway_needs_lookup(
                company.sms_lookup_refresh_days
            )._gateway_lookup(company)
        facts_by_number = {f.number: f for f in facts}
        recent = self._gateway_recent_bodies(company, numbers, now)
        rate_used = self._gateway_rate_used(company, now, lock=not preview)
        seen = set()
        for sms in self:
            check = checks[sms.id]
            body = sms.body or ""
            info = segments.count_segments(body, smart_encoding=smart)
            verdict = verdicts[sms.id] = {
                "e164": check.e164,
                "info": info,
                # What Twilio gets: the look-alikes replaced when smart encoding is on.
                "text": segments.smart_encode(body) if smart else body,
            }
            fact = facts_by_number.get(check.e164)
            failure = None
            if check.reason == "missing":
                failure = ("sms_number_missing", env._("No phone number to text."))
            elif not check.ok:
                failure = (
                    "sms_number_format",
                    env._(phone_numbers.REASONS[check.reason]),
                )
            elif check.e164 in blacklisted:
                failure = (
                    "sms_blacklist",
                    env._(
                        "This number opted out (STOP) and cannot be texted until it "
                        "replies START."
                    ),
                )
            elif sms.partner_id.id in dnc_partners or check.e164 in dnc_numbers:
                failure = (
                    "sms_dnc",
                    env._("This contact is marked do-not-text."),
                )
            elif fact and fact.blocked:
                failure = (
                    "sms_blocked",
                    env._(
                        "This number was blocked after repeated carrier failures: "
                        "a manager can unblock it in SMS > Numbers."
                    ),
                )
            elif fact and fact.line_type == "landline":
                failure = (
                    "sms_landline",
                    env._("This number is a landline: it cannot receive SMS."),
                )
            elif too_long := self._gateway_length_reason(company, info):
                failure = ("sms_too_long", too_long)
            if failure:
                verdict.update(failure_type=failure[0], reason=failure[1])
                continue
            key = (check.e164, body)
            if key in seen or key in recent:
                verdict.update(
                    failure_type="sms_duplicate",
                    reason=env._(
                        "Same text to the same number within 2 seconds: sent once."
                    ),
                )
                continue
            seen.add(key)
            if sms.gateway_kind == "interactive" and company.sms_rate_limit:
                user = sms._gateway_author().id
                if rate_used[user] >= company.sms_rate_limit:
                    verdict.update(
                        failure_type="sms_rate_limit",
                        reason=env._(
                            "Rate limit: %(limit)s messages per minute. Try again shortly.",  # noqa: E501
                            limit=company.sms_rate_limit,
                        ),
                    )
                    continue
                rate_used[user] += 1
            if sms.gateway_kind in ("marketing", "automated") and (
                company.sms_quiet_hours_enabled
            ):
                when = quiet_hours.next_allowed_time(
                    now.replace(tzinfo=UTC),
                    sms._gateway_timezone(check.e164, company),
                    company.sms_quiet_start,
                    company.sms_quiet_end,
                )
                if when:
                    verdict["defer"] = when.astimezone(UTC).replace(tzinfo=None)
                    continue
            verdict["segments"] = info.segments
        return verdicts

    @api.model
    def _gateway_length_reason(self, company, info):
        """Why a body of these segments is too long for the company, or None."""
        max_segments = company.sms_max_segments or 0
        if info.characters <= segments.MAX_BODY_CHARS and not (
            max_segments and info.segments > max_segments
        ):
            return None
        return self.env._(
            "Message too long: %(chars)s characters in %(segments)s segments; the "
            "limit is 1,600 characters and %(max)s segments.",
            chars=info.characters,
            segments=info.segments,
            max=max_segments,
        )

    def _gateway_author(self):
        """Who sends: the creator, or the current user for previews."""
        return self.create_uid or self.env.user

    @api.model
    def _gateway_preview(self, company, body, recipients, kind="interactive"):
        """What the gateway would decide, without sending anything.

        :param recipients: list of (partner or empty record, number) pairs
        :return: dict with ``info`` (segments of the body), per-recipient
            ``verdicts`` (list, same order), ``sendable`` count, ``excluded``
            {failure label: count}, ``segments`` total, ``cost`` estimate and
            ``allowance`` (quota left, see tools.billing)
        """
        records = self.browse()
        for partner, number in recipients:
            records |= self.new(
                {
                    "body": body,
                    "number": number,
                    "partner_id": partner.id if partner else False,
                    "gateway_kind": kind,
                }
            )
        now = fields.Datetime.now()
        verdicts = (
            records._gateway_decide(company, now, preview=True) if records else {}
        )
        info = segments.count_segments(
            body or "", smart_encoding=company.sms_smart_encoding
        )
        labels = dict(self._fields["failure_type"]._description_selection(self.env))
        excluded = defaultdict(int)
        total = sendable = 0
        ordered = [verdicts[r.id] for r in records]
        for verdict in ordered:
            if verdict.get("failure_type"):
                excluded[
                    labels.get(verdict["failure_type"], verdict["failure_type"])
                ] += 1
            else:
                sendable += 1
                total += verdict["info"].segments
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

    def _gateway_timezone(self, e164, company):
        """Recipient's time zone: the contact's, else the number's, else ours."""
        self.ensure_one()
        if self.partner_id.tz:
            return self.partner_id.tz
        zones = phone_numbers.number_timezones(e164) if e164 else ()
        if zones:
            return zones[0]
        return company.partner_id.tz or self.env.user.tz or "UTC"

    def _gateway_recent_bodies(self, company, numbers, now):
        """(number, body) sent in the last 2 seconds: the double-click guard."""
        if not numbers:
            return set()
        logs = (
            self.env["sms.log"]
            .sudo()
            .search_fetch(
                [
                    ("direction", "=", "outbound"),
                    ("company_id", "=", company.id),
                    ("number", "in", list(numbers)),
                    ("create_date", ">=", now - DUPLICATE_WINDOW),
                    ("status", "not in", ("blocked", "canceled")),
                ],
                ["number", "body"],
            )
        )
        return {(log.number, log.body or "") for log in logs}

    def _gateway_rate_used(self, company, now, lock=True):
        """SMS each author sent in the last minute, counted under a lock."""
        users = self.filtered(
            lambda s: s.gateway_kind == "interactive"
        )._gateway_author()
        used = defaultdict(int)
        if not users or not company.sms_rate_limit:
            return used
        # Two requests of the same user must not both pass the limit.
        for user_id in sorted(users.ids) if lock else ():
            self.env.cr.execute(
                SQL("SELECT pg_advisory_xact_lock(%s, %s)", 880_011, user_id)
            )
        groups = (
            self.env["sms.log"]
            .sudo()
            ._read_group(
                [
                    ("direction", "=", "outbound"),
                    ("user_id", "in", users.ids),
                    ("create_date", ">=", now - timedelta(minutes=1)),
                    ("status", "not in", ("blocked", "canceled")),
                ],
                ["user_id"],
                ["__count"],
            )
        )
        for user, count in groups:
            used[user.id] = count
        return used

    def _gateway_block(self, failure_type, reason, verdicts):
        """Refuse these SMS: error (or cancel for duplicates), with a reason."""
        state = "canceled" if failure_type == "sms_duplicate" else "error"
        self.write(
            {"state": state, "failure_type": failure_type, "gateway_reason": reason}
        )
        self.sms_tracker_id.sudo()._action_update_from_sms_state(
            state, failure_type=failure_type, failure_reason=reason
        )
        self._gateway_log(
            "canceled" if state == "canceled" else "blocked",
            verdicts,
            failure_type=failure_type,
            error_reason=reason,
        )
        self.mail_message_id._notify_message_notification_update()
        _logger.info("SMS %s blocked: %s (%s)", self.ids, failure_type, reason)

    def _gateway_log(self, status, verdicts, **values):
        company_price = {}
        vals_list = []
        for sms in self:
            verdict = verdicts.get(sms.id, {})
            info = verdict.get("info")
            company = sms._get_sms_company()
            if company not in company_price:
                company_price[company] = company.sms_segment_price
            message = sms.mail_message_id
            vals_list.append(
                dict(
                    {
                        "direction": "outbound",
                        "number": verdict.get("e164") or sms.number or "-",
                        "body": verdict.get("text", sms.body),
                        "segments": info.segments if info else 0,
                        "encoding": info.encoding if info else False,
                        "sms_uuid": sms.uuid,
                        "status": status,
                        "price_estimate": (info.segments if info else 0)
                        * company_price[company],
                        "user_id": sms.create_uid.id,
                        "company_id": company.id,
                        "partner_id": sms.partner_id.id,
                        "res_model": message.model or False,
                        "res_id": message.res_id or False,
                        "mail_message_id": message.id,
                        "mailing_id": sms.mailing_id.id,
                    },
                    **values,
                )
            )
        logs = self.env["sms.log"].sudo().create(vals_list)
        for sms, log in zip(self, logs, strict=True):
            sms.gateway_log_id = log
        return logs

    def _gateway_claim(self, company, verdicts):
        """Claim: state ``process`` and an ``outgoing`` log row with the sender."""
        for sms in self:
            verdicts[sms.id]["sender"] = sms._gateway_sender(
                company, verdicts[sms.id]["e164"]
            )
        self.write({"state": "process", "gateway_reason": False})
        self.sms_tracker_id.sudo()._action_update_from_sms_state("process")
        logs = self._gateway_log("outgoing", verdicts)
        for sms, log in zip(self, logs, strict=True):
            sender = verdicts[sms.id]["sender"]
            log.sender = sender.get("from_") or sender.get("messaging_service_sid")

    def _gateway_sender(self, company, e164):
        """Sender of this SMS, in the design's order of preference."""
        self.ensure_one()
        numbers = company.sudo().sms_twilio_number_ids
        dedicated = numbers.filtered(lambda n: n.user_id == self.create_uid)[:1]
        if dedicated:
            return {"from_": dedicated.number}
        service = company.sudo().sms_twilio_messaging_service_sid
        if service:
            return {"messaging_service_sid": service}
        alpha = company.sms_alphanumeric_sender
        if alpha and phone_numbers.is_valid_alphanumeric_sender(alpha):
            allowed = set(company.sms_alphanumeric_country_ids.mapped("code")) or None
            if phone_numbers.alphanumeric_sender_allowed(
                phone_numbers.number_region(e164), allowed
            ):
                return {"from_": alpha}
        return {"from_": get_twilio_from_number(company.sudo(), e164).number or ""}

    # ------------------------------------------------------------------
    # Steps 2-3: hand off and call Twilio
    # ------------------------------------------------------------------

    def _gateway_dispatch_soon(self, unlink_sent=True):
        """Call Twilio now (queue cron, tests) or once the caller commits."""
        if self.env.context.get("sms_gateway_commit") or modules.module.current_test:
            self._gateway_dispatch(unlink_sent=unlink_sent)
            return
        ids, uid, context = self.ids, self.env.uid, dict(self.env.context)
        registry = self.env.registry

        @self.env.cr.postcommit.add
        def dispatch():
            with registry.cursor() as cr:
                env = api.Environment(cr, uid, context)
                env["sms.sms"].browse(ids).exists().with_context(
                    sms_gateway_commit=True
                )._gateway_dispatch(unlink_sent=unlink_sent)

    def _gateway_commit(self):
        if self.env.context.get("sms_gateway_commit"):
            commit_progress(self.env)

    def _gateway_dispatch(self, unlink_sent=True):
        """Hand the claimed SMS to Twilio, at most once each."""
        claimed = self.try_lock_for_update().filtered(
            lambda s: (
                s.state == "process"
                and s.gateway_log_id.status == "outgoing"
                and not s.gateway_log_id.twilio_sid
            )
        )
        if not claimed:
            return
        # Step 2: the hand-off is durable before any request leaves.
        logs = claimed.gateway_log_id
        logs.write({"date_sent": fields.Datetime.now(), "handed": True})
        claimed._gateway_commit()
        # Twilio may call back before we store its answer: callbacks wait on
        # this lock, then apply on top of it.
        self.env.cr.execute(
            SQL("SELECT id FROM sms_log WHERE id IN %s FOR UPDATE", tuple(logs.ids))
        )
        by_company = defaultdict(lambda: self.browse())
        for sms in claimed:
            by_company[sms.gateway_log_id.company_id] |= sms
        for company, company_sms in by_company.items():
            company_sms._gateway_call_twilio(company, unlink_sent)
        claimed._gateway_commit()

    def _gateway_call_twilio(self, company, unlink_sent):
        try:
            client = company._gateway_twilio_client()
        except Exception as error:  # noqa: BLE001 - bad settings block the batch
            results = {sms.id: ("error", error) for sms in self}
        else:
            jobs = {}
            for sms in self:
                log = sms.gateway_log_id
                params = {
                    "to": log.number,
                    "body": log.body,
                    "status_callback": get_twilio_status_callback_url(
                        company, sms.uuid
                    ),
                }
                if (log.sender or "").startswith("MG"):
                    params["messaging_service_sid"] = log.sender
                else:
                    params["from_"] = log.sender
                jobs[sms.id] = params
            results = _call_in_parallel(client, jobs)
        for sms in self:
            outcome, value = results[sms.id]
            if outcome == "ok":
                sms._gateway_sent(value, unlink_sent)
            else:
                sms._gateway_failed(company, value)
        self.mail_message_id._notify_message_notification_update()

    def _gateway_sent(self, message, unlink_sent):
        self.ensure_one()
        log = self.gateway_log_id
        values = {"twilio_sid": message.sid}
        if message.num_segments:
            values["segments"] = int(message.num_segments)
        if message.from_:
            values["sender"] = message.from_
        log.write(values)
        log._gateway_update_status(message.status or "queued")
        tracker = self.sms_tracker_id.sudo()
        tracker.sms_twilio_sid = message.sid
        tracker._action_update_from_sms_state("pending")
        self.write(
            {"state": "pending", "failure_type": False, "to_delete": unlink_sent}
        )

    def _gateway_failed(self, company, error):
        """Twilio refused, or the call failed: retry, fail or flag for review."""
        self.ensure_one()
        log = self.gateway_log_id
        ambiguous = False
        if isinstance(error, TwilioRestException):
            described = (
                twilio_errors.describe(error.code, error.msg)
                if error.code
                else twilio_errors.describe_http_status(error.status)
                or twilio_errors.describe(None, error.msg)
            )
        elif isinstance(error, requests.RequestException):
            # Before the request left (no connection) it is safe to retry;
            # after, Twilio may have sent it: never send again.
            ambiguous = not _never_reached_twilio(error)
            described = twilio_errors.describe_http_status(503)
        else:
            described = twilio_errors.describe(None, str(error))
        if ambiguous:
            reason = self.env._(
                "No answer from Twilio: it may or may not have sent this SMS. Check "
                "the Twilio console before sending it again."
            )
            self._gateway_finish_error("sms_review", reason, "review", 0)
            return
        self.env["sms.usage"]._gateway_release(company, log.segments, log.month)
        if described.retryable and self.gateway_attempts + 1 < MAX_ATTEMPTS:
            delay = RETRY_BASE * (2**self.gateway_attempts)
            self.write(
                {
                    "state": "outgoing",
                    "gateway_attempts": self.gateway_attempts + 1,
                    "gateway_not_before": fields.Datetime.now() + delay,
                    "gateway_reason": self.env._(
                        "Twilio is busy: retrying in %(seconds)s seconds.",
                        seconds=int(delay.total_seconds()),
                    ),
                }
            )
            log.write(
                {
                    "status": "canceled",
                    "error_code": described.code or 0,
                    "error_reason": self.env._("Retried later."),
                }
            )
            self.sms_tracker_id.sudo()._action_update_from_sms_state("outgoing")
            return
        message = getattr(error, "msg", None) or str(error)
        reason = self.env._(described.reason, code=described.code, message=message)
        self._gateway_finish_error(
            described.failure_type, reason, "failed", described.code or 0
        )
        number = log.number
        if described.blacklist and number:
            self.env["phone.blacklist"].sudo()._add(
                [number],
                message=self.env._(
                    "Twilio reported that this number opted out (21610)."
                ),
            )
        if described.carrier_failure and number:
            self.env["sms.number"]._gateway_get([number])._gateway_record_failure(
                described.code, company.sms_auto_block_threshold
            )

    def _gateway_finish_error(self, failure_type, reason, log_status, code):
        self.gateway_log_id.write(
            {
                "status": log_status,
                "failure_type": failure_type,
                "error_code": code,
                "error_reason": reason,
            }
        )
        self.write(
            {"state": "error", "failure_type": failure_type, "gateway_reason": reason}
        )
        self.sms_tracker_id.sudo()._action_update_from_sms_state(
            "error", failure_type=failure_type, failure_reason=reason
        )

    # ------------------------------------------------------------------
    # Recovery
    # ------------------------------------------------------------------

    @api.model
    def _gateway_recover(self):
        """SMS stuck in ``process`` after a crash.

        Not yet handed to Twilio: back to the queue. Handed without an answer:
        fate unknown, flagged for review, never sent again.
        """
        limit = fields.Datetime.now() - CLAIM_TIMEOUT
        stuck = self.search(
            [
                ("state", "=", "process"),
                ("gateway_log_id", "!=", False),
                ("write_date", "<", limit),
            ]
        ).try_lock_for_update()
        stuck = stuck.filtered(lambda s: not s.gateway_log_id.twilio_sid)
        for sms in stuck:
            log = sms.gateway_log_id
            if log.handed:
                sms._gateway_finish_error(
                    "sms_review",
                    self.env._(
                        "The server stopped while handing this SMS to Twilio: check "
                        "the Twilio console before sending it again."
                    ),
                    "review",
                    0,
                )
            else:
                self.env["sms.usage"]._gateway_release(
                    log.company_id, log.segments, log.month
                )
                log.write(
                    {"status": "canceled", "error_reason": "Requeued after a restart."}
                )
                sms.write({"state": "outgoing"})


def _never_reached_twilio(error):
    """True when the request provably never left (no connection was made)."""
    if isinstance(error, requests.ConnectTimeout):
        return True
    if isinstance(error, requests.ConnectionError):
        text = repr(error)
        return "NewConnectionError" in text or "Connection refused" in text
    return False


def _call_in_parallel(client, jobs):
    """messages.create for each job, a few at a time, one shared connection pool.

    Runs outside the ORM: only plain values go in and out of the threads.
    """

    def create(params):
        try:
            return "ok", client.messages.create(**params)
        except Exception as error:  # noqa: BLE001 - returned to the caller
            return "error", error

    if len(jobs) == 1:
        ((sms_id, params),) = jobs.items()
        return {sms_id: create(params)}
    with ThreadPoolExecutor(max_workers=PARALLEL_REQUESTS) as pool:
        futures = {sms_id: pool.submit(create, p) for sms_id, p in jobs.items()}
        return {sms_id: future.result() for sms_id, future in futures.items()}
