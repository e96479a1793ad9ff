# Part of sms_twilio_gateway. License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Handing claimed SMS to Twilio: a trusted step, at most once each.

Runs after the sender's transaction committed, as superuser in a cursor of
its own, whoever the sender was (the log and the chatter keep them as the
author). The hand-off is committed before any request leaves; a request whose
answer is lost leaves its SMS "to review", never sent again.
"""

import logging
import time
from collections import defaultdict
from datetime import timedelta

from odoo import SUPERUSER_ID, api, fields, models
from odoo.addons.sms_twilio.tools.sms_twilio import get_twilio_status_callback_url
from odoo.tools import SQL, split_every

from ..tools import phone_numbers, twilio_errors
from .gateway_commit import CONFLICTS, commit_progress
from .gateway_i18n import translate_marked

_logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5  # tries of a request Twilio refused as transient, then error
RETRY_BASE = timedelta(seconds=30)  # 30 s, 1 min, 2 min, 4 min
RELEASE_TRIES = 5


class SmsDispatch(models.AbstractModel):
    _name = "sms.dispatch"
    _description = "SMS hand-off to Twilio"

    @api.model
    def _after_commit(self, sms_ids, unlink_sent):
        """Dispatch these claimed SMS once the current transaction commits."""
        registry = self.env.registry

        @self.env.cr.postcommit.add
        def dispatch():
            try:
                with registry.cursor() as cr:
                    env = api.Environment(cr, SUPERUSER_ID, {})
                    env["sms.dispatch"]._dispatch(
                        env["sms.sms"].browse(sms_ids), unlink_sent
                    )
            except Exception:
                # The claim is committed: the woken cron recovers it.
                _logger.exception("SMS dispatch of %s failed", sms_ids)

    @api.model
    def _dispatch(self, sms, unlink_sent=True):
        """Hand the claimed SMS to Twilio, at most once each.

        A batch goes in chunks of the requests in flight, each handed over,
        sent and answered in turn: should the server die meanwhile, only the
        chunk in flight is left "to review"; the rest is requeued.

        While a chunk's requests are in flight the cursor is idle: it picks
        the lookups to make beside the batch during the first chunk, and
        stores their answers during the second (else last).
        """
        lookups = []
        meanwhile = [
            lambda: lookups.extend(self._lookups_beside(sms)),
            lambda: self._store_lookups(lookups),
        ]
        in_flight = self.env["sms.gateway.transport"]._in_flight()
        for ids in split_every(in_flight, sms.ids):
            work = meanwhile.pop(0) if meanwhile else None
            self._dispatch_chunk(sms.browse(ids), unlink_sent, work)
        for work in meanwhile:
            work()

    @api.model
    def _dispatch_chunk(self, sms, unlink_sent, meanwhile=None):
        claimed = (
            sms.exists()
            .try_lock_for_update()
            .filtered(
                lambda s: (
                    s.state == "process"
                    and s.gateway_log_id.status == "outgoing"
                    and not s.gateway_log_id.handed
                )
            )
        )
        if not claimed:
            if meanwhile:
                meanwhile()
            return
        # The hand-off is durable before any request leaves.
        logs = claimed.gateway_log_id
        logs.write({"date_sent": fields.Datetime.now(), "handed": True})
        commit_progress(self.env)
        # Twilio may call back before its answer is stored: callbacks wait on
        # these locks, then apply on top of it.
        self.env.cr.execute(
            SQL(
                "SELECT id FROM sms_sms WHERE id IN %s ORDER BY id FOR UPDATE",
                tuple(claimed.ids),
            )
        )
        self.env.cr.execute(
            SQL(
                "SELECT id FROM sms_log WHERE id IN %s ORDER BY id FOR UPDATE",
                tuple(logs.ids),
            )
        )
        claimed.invalidate_recordset()
        releases = defaultdict(int)
        for company, company_sms in claimed.grouped(
            lambda s: s.gateway_log_id.company_id
        ).items():
            jobs = {
                sms.id: {
                    "to": sms.gateway_log_id.number,
                    "body": sms.gateway_log_id.body,
                    "sender": sms.gateway_log_id.sender,
                    "status_callback": get_twilio_status_callback_url(
                        company, sms.uuid
                    ),
                }
                for sms in company_sms
            }
            results = self.env["sms.gateway.transport"]._send_messages(
                company, jobs, meanwhile
            )
            meanwhile = None  # once, beside the first company's requests
            answered = []
            for sms in company_sms:
                outcome, value = results[sms.id]
                if outcome == "ok":
                    answered.append((sms, value))
                else:
                    log = sms.gateway_log_id
                    if self._failed(sms, company, value):
                        releases[company, log.month] += log.segments
            self._sent(answered, unlink_sent)
        claimed.mail_message_id._notify_message_notification_update()
        commit_progress(self.env)
        self._release(releases)

    @api.model
    def _store_lookups(self, lookups):
        """Wait for the lookups begun beside the batch and store them, in a
        transaction of their own committed at once, and never raise.

        Their own: the numbers' rows are locked for a moment, not for the
        rest of a chunk, whose answers another drainer storing the same
        numbers could otherwise deadlock (its answer stands: these are
        dropped). The chunk in flight has written no number by then.
        """
        if not lookups:
            return
        try:
            with self.env.registry.cursor() as cr:
                facts = self.env(cr=cr)["sms.number"]
                for results in lookups:
                    facts._gateway_store_lookups(results())
        except CONFLICTS:
            _logger.info("SMS lookups stored by another drainer first")
        except Exception:
            _logger.exception("SMS lookups beside a batch not stored")

    @api.model
    def _lookups_beside(self, batch):
        """Lookups "at first send" begun beside this batch's sending, of its
        numbers of mobile-only ranges (sent without waiting for them, see
        ``sms.gateway._decide``) and of the next batch's numbers (decided
        without waiting for them).

        Picking them reads only, in a savepoint, and never raises: the batch
        is claimed already, and its lookups must not keep it from leaving.

        :return: the functions giving their results (``_start_lookups``)
        """
        try:
            with self.env.cr.savepoint(flush=False):
                due = self._upcoming_numbers(batch)
        except Exception:
            _logger.exception("SMS lookups beside a batch not picked")
            return []
        transport = self.env["sms.gateway.transport"]
        return [
            transport._start_lookups(company, numbers)
            for company, numbers in due.items()
            if numbers
        ]

    @api.model
    def _upcoming_numbers(self, batch):
        """``{company: numbers due a lookup}`` of this batch and the next,
        for the batch's companies that look up at first send. Three queries
        (one more for each further company), no records: a few milliseconds,
        while the first chunk's requests are in flight."""
        numbers, companies = defaultdict(set), {}
        for company_id, number, region, refresh_days in self.env.execute_query(
            SQL(
                "SELECT log.company_id, log.number, country.code, "
                "company.sms_lookup_refresh_days FROM sms_sms sms "
                "JOIN sms_log log ON log.id = sms.gateway_log_id "
                "JOIN res_company company ON company.id = log.company_id "
                "JOIN res_partner partner ON partner.id = company.partner_id "
                "LEFT JOIN res_country country ON country.id = partner.country_id "
                "WHERE sms.id = ANY(%s) AND company.sms_lookup_policy = 'first_send'",
                batch.ids,
            )
        ):
            numbers[company_id].add(number)  # the logs' numbers are E.164
            companies[company_id] = (region, refresh_days)
        if not companies:
            return {}
        queue = self.env["sms.sms"]
        due = queue._search(
            queue._gateway_due_domain(), order="id", limit=queue._gateway_batch_size()
        )
        queue.flush_model(["number", "partner_id", "mail_message_id"])
        for number, company_id, code in self.env.execute_query(
            SQL(
                "SELECT sms.number, message.record_company_id, country.code "
                "FROM sms_sms sms "
                "LEFT JOIN mail_message message ON message.id = sms.mail_message_id "
                "LEFT JOIN res_partner partner ON partner.id = sms.partner_id "
                "LEFT JOIN res_country country ON country.id = partner.country_id "
                "WHERE sms.id IN %s",
                due.subselect(),
            )
        ):
            # sms.sms._get_sms_company: the record's company, else ours.
            company_id = company_id or self.env.company.id
            if company_id in companies:
                region = code or companies[company_id][0]
                numbers[company_id].add(phone_numbers.check_number(number, region).e164)
        facts = self.env["sms.number"]
        return {
            self.env["res.company"].browse(company_id): facts._gateway_due(
                numbers[company_id] - {None}, refresh_days
            )
            for company_id, (_region, refresh_days) in companies.items()
        }

    @api.model
    def _sent(self, answered, unlink_sent):
        """Store Twilio's answers ``[(sms, message)]``: the logs one by one
        (each has its SID), the SMS, trackers, traces and mailings once."""
        if not answered:
            return
        sms_all = self.env["sms.sms"].browse(sms.id for sms, _message in answered)
        for sms, message in answered:
            log = sms.gateway_log_id
            values = {"twilio_sid": message.sid}
            if message.num_segments:
                values["segments"] = int(message.num_segments)
            # A Messaging Service stays the sender: pacing counts it.
            if message.from_ and not phone_numbers.is_messaging_service_sid(log.sender):
                values["sender"] = message.from_
            log.write(values)
            log._gateway_update_status(message.status or "queued")
        trackers = sms_all.sms_tracker_id.sudo()
        sid_of = {sms.uuid: message.sid for sms, message in answered}
        for tracker in trackers:
            tracker.sms_twilio_sid = sid_of[tracker.sms_uuid]
        trackers._action_update_from_sms_state("pending")
        sms_all.write(
            {"state": "pending", "failure_type": False, "to_delete": unlink_sent}
        )

    @api.model
    def _failed(self, sms, company, error):
        """Twilio refused, or the call failed: retry, fail or flag for review.

        :return: True when the SMS provably did not leave (its quota goes back)
        """
        described, ambiguous = twilio_errors.classify_exception(error)
        if ambiguous:
            self._finish_error(sms, described, "review", self._review_reason())
            return False
        if described.retryable and sms.gateway_attempts + 1 < MAX_ATTEMPTS:
            self._retry_later(sms, described)
            return True
        message = getattr(error, "msg", None) or str(error)
        reason = translate_marked(
            self.env, described.reason, code=described.code, message=message
        )
        if described.retryable:
            reason = translate_marked(
                self.env,
                twilio_errors.GAVE_UP_REASON,
                attempts=sms.gateway_attempts + 1,
                error=described.code or message,
            )
        self._finish_error(sms, described, "failed", reason)
        number = sms.gateway_log_id.number
        if described.blacklist:
            self.env["phone.blacklist"].sudo()._add(
                [number],
                message=self.env._(
                    "Twilio reported that this number opted out (21610)."
                ),
            )
        if described.carrier_failure:
            self.env["sms.number"]._gateway_get([number])._gateway_record_failure(
                described.code, company.sms_auto_block_threshold
            )
        return True

    @api.model
    def _retry_later(self, sms, described):
        delay = RETRY_BASE * (2**sms.gateway_attempts)
        due = fields.Datetime.now() + delay
        sms.write(
            {
                "state": "outgoing",
                "gateway_attempts": sms.gateway_attempts + 1,
                "gateway_not_before": due,
                "gateway_reason": self.env._(
                    "Twilio is busy: retrying in %(seconds)s seconds.",
                    seconds=int(delay.total_seconds()),
                ),
            }
        )
        sms.gateway_log_id.write(
            {
                "status": "canceled",
                "error_code": described.code or 0,
                "error_reason": self.env._("Twilio refused it for now: retried later."),
            }
        )
        sms.sms_tracker_id.sudo()._action_update_from_sms_state("outgoing")
        sms._gateway_wake([due])

    @api.model
    def _review_reason(self):
        return translate_marked(self.env, twilio_errors.NO_ANSWER.reason)

    @api.model
    def _finish_error(self, sms, described, log_status, reason):
        """The SMS ends in error; its log only moves forward (a callback that
        already said "delivered" is never undone)."""
        sms.gateway_log_id._gateway_update_status(
            log_status,
            failure_type=described.failure_type,
            error_code=described.code or 0,
            error_reason=reason,
        )
        sms.write(
            {
                "state": "error",
                "failure_type": described.failure_type,
                "gateway_reason": reason,
            }
        )
        sms.sms_tracker_id.sudo()._action_update_from_sms_state(
            "error", failure_type=described.failure_type, failure_reason=reason
        )

    @api.model
    def _release(self, releases):
        """Give back quota of SMS that never left, once their answers are
        committed: a conflict on the usage row retries this, never them."""
        releases = {key: segments for key, segments in releases.items() if segments}
        for attempt in range(RELEASE_TRIES):
            try:
                with self.env.registry.cursor() as cr:
                    usage = api.Environment(cr, SUPERUSER_ID, {})["sms.usage"]
                    for (company, month), segments in releases.items():
                        usage._gateway_release(
                            company.with_env(usage.env), segments, month
                        )
                return
            except CONFLICTS:
                time.sleep(0.05 * (attempt + 1))
        _logger.warning("SMS quota of refused SMS not released: %s", releases)

    @api.model
    def _recover(self, stuck):
        """See ``sms.sms._gateway_recover``."""
        usage = self.env["sms.usage"]
        requeued = self.env["sms.sms"]
        for sms in stuck:
            log = sms.gateway_log_id
            answered = log.status not in ("outgoing", "review", "canceled", "blocked")
            if log.twilio_sid or answered:
                # Twilio answered, or its callbacks did: it was sent.
                sms.write({"state": "pending", "to_delete": True})
            elif log.handed:
                reason = self._review_reason()
                self._finish_error(sms, twilio_errors.NO_ANSWER, "review", reason)
            else:
                # In this transaction: a conflict rolls the recovery back whole.
                usage._gateway_release(log.company_id, log.segments, log.month)
                requeued |= sms
                log.write(
                    {
                        "status": "canceled",
                        "error_reason": self.env._("Requeued after a restart."),
                    }
                )
        requeued.write({"state": "outgoing"})
        if requeued:
            requeued._gateway_wake([fields.Datetime.now()])
