# Part of sms_twilio_gateway. License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The gateway in Odoo's SMS queue: every SMS of a governed company.

``sms.sms._send`` is the one place every sending path reaches (composer,
chatter, templates, automated actions, calendar reminders, SMS marketing and
the queue cron). For a company whose gateway applies, sending runs in steps so
that an SMS handed to Twilio is never sent twice:

1. decide (``sms.gateway``), reserve quota and claim the SMS (state
   ``process``, a log row ``outgoing``) in the caller's transaction;
2. after the caller commits, as a trusted step (superuser, own cursor): mark
   the log row handed and commit, then call Twilio (``sms.gateway.transport``)
   and store the answers (``sms.dispatch``).

Anything due later (quiet hours, a retry, the recovery of a claim whose
dispatch never ran) has a due time and wakes the queue cron at that time.
"""

from datetime import timedelta

from odoo import SUPERUSER_ID, api, fields, models
from odoo.tools import SQL, create_index

from ..tools import policy
from .failure_types import DELIVERY_FAILURE_TYPES, GATEWAY_FAILURE_TYPES
from .gateway_commit import CONFLICTS, commit_progress
from .gateway_settings import count_setting

CLAIM_TIMEOUT = timedelta(minutes=10)
MAX_CONFLICTS = 20  # per cron call: then Odoo's cron retries it later
BATCH_SIZE_PARAM = "sms_twilio_gateway.batch_size"
DEFAULT_BATCH_SIZE = 144  # three full chunks of the default requests in flight
MAX_BATCH_SIZE = 1000


class SmsSms(models.Model):
    _inherit = "sms.sms"

    failure_type = fields.Selection(
        selection_add=GATEWAY_FAILURE_TYPES + DELIVERY_FAILURE_TYPES
    )
    gateway_kind = fields.Selection(
        [
            (policy.INTERACTIVE, "Sent by a user"),
            (policy.MARKETING, "Marketing"),
            (policy.AUTOMATED, "Automated"),
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
        # Decided by the server from what the SMS is, never by a client's context.
        automated = self.env.su and self.env.uid == SUPERUSER_ID
        for sms in self:
            if sms.gateway_kind:
                continue
            if sms.mailing_id:
                sms.gateway_kind = policy.MARKETING
            else:
                sms.gateway_kind = policy.AUTOMATED if automated else policy.INTERACTIVE

    # ------------------------------------------------------------------
    # Queue
    # ------------------------------------------------------------------

    @api.model
    def _process_queue(self):
        """Odoo's cron: the SMS due now, batch after batch while the run has
        time; the recovery pass and the count of what remains once a call.

        Each batch is the first rows due that no other worker holds (``SKIP
        LOCKED``), so several cron workers or servers drain one queue side by
        side; a batch's claim is committed, which dispatches it (post-commit),
        before the next.
        """
        self._gateway_recover()
        domain = self._gateway_due_domain()
        batch_size = self._gateway_batch_size()
        remaining = None
        conflicts = 0
        while True:
            try:
                records = self._gateway_lock_due(domain, batch_size)
                if not records:
                    break
                records._send(
                    unlink_failed=False, unlink_sent=True, raise_exception=False
                )
            except CONFLICTS:
                # Another drainer committed the month's quota (or a guard)
                # after this batch's snapshot: the batch is undone, nothing was
                # claimed nor sent, and taken again with a fresh snapshot.
                conflicts += 1
                if conflicts > MAX_CONFLICTS:
                    raise
                self.env.cr.rollback()
                self.env.invalidate_all()
                continue
            if remaining is None:
                remaining = self.search_count(domain)
            else:
                remaining = max(remaining - len(records), 0)
            if not commit_progress(self.env, len(records), remaining=remaining):
                return
        commit_progress(self.env, remaining=0)

    @api.model
    def _gateway_lock_due(self, domain, limit):
        """The first ``limit`` SMS due that no other transaction has locked."""
        query = self._search(domain, order="id", limit=limit)
        rows = self.env.execute_query(SQL("%s FOR UPDATE SKIP LOCKED", query.select()))
        return self.browse(row[0] for row in rows)

    @api.model
    def _gateway_batch_size(self):
        """SMS decided and handed to Twilio per batch (a setting)."""
        return count_setting(
            self.env, BATCH_SIZE_PARAM, DEFAULT_BATCH_SIZE, MAX_BATCH_SIZE
        )

    def _get_send_batch_size(self):
        # Odoo's Twilio provider sends 10 at a time; the gateway's batches are
        # its own setting.
        if self.env.company._gateway_applies():
            return self._gateway_batch_size()
        return super()._get_send_batch_size()

    def init(self):
        res = super().init()
        # Sent SMS stay until Odoo's daily clean-up: the queue's next batch
        # is found among the waiting ones only, however many were sent.
        create_index(
            self.env.cr,
            "sms_sms_gateway_outgoing_index",
            self._table,
            ["id"],
            where="state = 'outgoing'",
        )
        return res

    @api.model
    def _gateway_due_domain(self):
        return [
            ("state", "=", "outgoing"),
            ("to_delete", "!=", True),
            "|",
            ("gateway_not_before", "=", False),
            ("gateway_not_before", "<=", fields.Datetime.now()),
        ]

    @api.model_create_multi
    def create(self, vals_list):
        # Odoo wakes its queue cron; the extra drainers wake with it.
        records = super().create(vals_list)
        for cron in self.env["sms.gateway.drainers"]._extra_crons():
            cron._trigger()
        return records

    @api.model
    def _gateway_wake(self, times):
        """Wake the queue's drainers at each of these times (one scheduler)."""
        if times:
            self.env["sms.gateway.drainers"]._wake(sorted(set(times)))

    def _send(self, unlink_failed=False, unlink_sent=True, raise_exception=False):
        governed = self.browse()
        for company, company_sms in self.grouped(
            lambda sms: sms._get_sms_company()
        ).items():
            if company._gateway_applies():
                company_sms._gateway_send(company, unlink_sent=unlink_sent)
                governed |= company_sms
        others = self - governed
        if others:
            return super(SmsSms, others)._send(
                unlink_failed=unlink_failed,
                unlink_sent=unlink_sent,
                raise_exception=raise_exception,
            )

    def resend_failed(self):
        # Odoo's "Resend": SMS whose fate is unknown are not resent (the
        # gateway would refuse them again); say why instead of "failed".
        return super(SmsSms, self - self._gateway_in_doubt()).resend_failed()

    def _gateway_author(self):
        """Who sends it: a mailing's responsible (the mailing cron creates its
        SMS), else whoever created it."""
        self.ensure_one()
        return self.mailing_id.user_id or self.create_uid

    def _gateway_in_doubt(self):
        """SMS handed to Twilio whose answer never came: they may have gone."""
        return self.filtered(
            lambda sms: (
                sms.gateway_log_id.status == "review"
                or (
                    sms.gateway_log_id.handed
                    and sms.gateway_log_id.status == "outgoing"
                )
            )
        )

    # ------------------------------------------------------------------
    # Step 1: decide, reserve, claim
    # ------------------------------------------------------------------

    def _gateway_send(self, company, unlink_sent=True):
        now = fields.Datetime.now()
        todo = self.filtered(
            lambda s: (
                s.state == "outgoing"
                and not s.to_delete
                and (not s.gateway_not_before or s.gateway_not_before <= now)
            )
        )
        if not todo:
            return
        verdicts = self.env["sms.gateway"]._decide(
            company, todo._gateway_requests(), now, guard=True, lookup=True
        )
        outcomes = todo.grouped(lambda sms: verdicts[sms.id].outcome)
        if deferred := outcomes.get(policy.DEFER):
            deferred._gateway_defer(verdicts)
        refused = outcomes.get(policy.BLOCK, self.browse())
        refused |= outcomes.get(policy.DROP, self.browse())
        refused._gateway_refuse(verdicts)
        to_send = outcomes.get(policy.SEND)
        if not to_send:
            return
        senders = self.env["sms.gateway.sender"]._senders(company, to_send, verdicts)
        if waiting := self.env["sms.gateway.sender"]._pace(
            company, to_send, senders, verdicts, now
        ):
            paced = to_send.browse(list(waiting))
            paced._gateway_postpone(
                waiting,
                self.env._(
                    "Paced: the sender has as much queued at Twilio as it can "
                    "send in the next minutes."
                ),
            )
            to_send -= paced
            if not to_send:
                return
        granted = self.env["sms.usage"]._gateway_reserve(
            company, [verdicts[sms.id].segments for sms in to_send]
        )
        over = to_send.browse(
            [sms.id for sms, ok in zip(to_send, granted, strict=True) if not ok]
        )
        reason = self.env["sms.gateway"]._quota_reason()
        over._gateway_finish("error", "sms_quota", reason, verdicts)
        claimed = to_send - over
        if claimed:
            claimed._gateway_claim(company, verdicts, unlink_sent, senders)

    def _gateway_requests(self):
        """The SMS as the policy's requests."""
        return [
            policy.Request(
                sms.id,
                sms.number,
                sms.body or "",
                kind=sms.gateway_kind or policy.INTERACTIVE,
                author=sms._gateway_author().id,
                region=sms.partner_id.country_id.code or None,
                timezone=sms.partner_id.tz or None,
                partner_dnc=bool(sms.partner_id.sms_dnc),
                message=sms.mail_message_id.id or None,
                in_doubt=bool(sms._gateway_in_doubt()),
            )
            for sms in self
        ]

    def _gateway_defer(self, verdicts):
        self._gateway_postpone(
            {sms.id: verdicts[sms.id].not_before for sms in self},
            self.env._("Quiet hours: sent when the recipient's day begins."),
        )

    def _gateway_postpone(self, times, reason):
        """Back to the queue until ``times[sms.id]``, which wakes the cron."""
        for when, sms in self.grouped(lambda s: times[s.id]).items():
            sms.write({"gateway_not_before": when, "gateway_reason": reason})
        self._gateway_wake(list(times.values()))

    def _gateway_refuse(self, verdicts):
        """Refuse these SMS, each with the reason of its verdict."""
        reason = self.env["sms.gateway"]._reason
        for (failure_type, text), sms in self.grouped(
            lambda s: (verdicts[s.id].failure_type, reason(verdicts[s.id]))
        ).items():
            state = "canceled" if failure_type == "sms_duplicate" else "error"
            sms._gateway_finish(state, failure_type, text, verdicts)

    def _gateway_finish(self, state, failure_type, reason, verdicts):
        """End these SMS refused by the gateway: state, chatter, log."""
        if not self:
            return
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

    def _gateway_log(self, status, verdicts, **values):
        # The month the quota is counted in: what is released goes back there.
        month = self.env["sms.usage"]._gateway_month()
        vals_list = []
        for sms in self:
            verdict = verdicts[sms.id]
            company = sms._get_sms_company()
            message = sms.mail_message_id
            vals_list.append(
                {
                    "direction": "outbound",
                    "number": verdict.e164 or sms.number or "-",
                    "body": verdict.text,
                    "segments": verdict.info.segments,
                    "encoding": verdict.info.encoding,
                    "sms_uuid": sms.uuid,
                    "status": status,
                    # Only what may be billed has a price.
                    "price_estimate": verdict.segments * company.sms_segment_price,
                    "user_id": sms._gateway_author().id,
                    "company_id": company.id,
                    "partner_id": sms.partner_id.id,
                    "res_model": message.model or False,
                    "res_id": message.res_id or False,
                    "mail_message_id": message.id,
                    "mailing_id": sms.mailing_id.id,
                    "month": month,
                    **values,
                }
            )
        logs = self.env["sms.log"].sudo().create(vals_list)
        for sms, log in zip(self, logs, strict=True):
            # A log in doubt stays the SMS's: it is what keeps it from resending.
            if not sms._gateway_in_doubt():
                sms.gateway_log_id = log
        return logs

    def _gateway_claim(self, company, verdicts, unlink_sent, senders=None):
        """Claim: state ``process``, an ``outgoing`` log row with the sender;
        dispatched once the caller commits."""
        senders = senders or self.env["sms.gateway.sender"]._senders(
            company, self, verdicts
        )
        self.write({"state": "process", "gateway_reason": False})
        # The mailing's traces stay queued until Twilio answered.
        trackers = self.filtered(lambda s: not s.mailing_id).sms_tracker_id
        trackers.sudo()._action_update_from_sms_state("process")
        logs = self._gateway_log("outgoing", verdicts)
        for sms, log in zip(self, logs, strict=True):
            log.sender = senders[sms.id]
        self.env["sms.dispatch"]._after_commit(self.ids, unlink_sent)
        # Should the dispatch never run (the server stopped), recovery will.
        self._gateway_wake(
            [fields.Datetime.now() + CLAIM_TIMEOUT + timedelta(minutes=1)]
        )

    # ------------------------------------------------------------------
    # Recovery
    # ------------------------------------------------------------------

    @api.model
    def _gateway_recover(self):
        """SMS still claimed long after their dispatch was due (a crash).

        Not handed to Twilio: back to the queue. Handed, and Twilio's callbacks
        since said what became of it: that. Handed without any word: fate
        unknown, flagged for review, never sent again.
        """
        limit = fields.Datetime.now() - CLAIM_TIMEOUT
        stuck = self.search(
            [
                ("state", "=", "process"),
                ("gateway_log_id", "!=", False),
                ("write_date", "<", limit),
            ]
        ).try_lock_for_update()
        if stuck:
            self.env["sms.dispatch"]._recover(stuck)
