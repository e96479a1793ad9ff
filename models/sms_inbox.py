# Part of sms_twilio_gateway. License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""What the SMS inbox (SMS > Conversations) reads and does, for its user.

Every method checks that the user may see the thread, then reads as
superuser. Sending goes through the record's ``_message_sms``, the path of
the chatter and the composer, so the gateway decides as everywhere else; the
figures and notices are the gateway's preview of that same decision.
"""

import re

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from ..tools import policy

# Refusals about the number itself: the compose box gives way to a notice.
NOTICE_TYPES = (
    "sms_blacklist",
    "sms_landline",
    "sms_dnc",
    "sms_blocked",
    "sms_number_format",
    "sms_number_missing",
)
STATUS_GROUPS = {
    "blocked": "failed",
    "undelivered": "failed",
    "failed": "failed",
    "canceled": "failed",
    "sent": "sent",
    "delivered": "delivered",
    "review": "review",
    "received": "received",
}
THREAD_LIMIT = 80
MESSAGE_LIMIT = 200
PEOPLE_LIMIT = 40


class SmsInbox(models.AbstractModel):
    _name = "sms.inbox"
    _description = "SMS conversations"

    # ------------------------------------------------------------------
    # Threads
    # ------------------------------------------------------------------

    @api.model
    def get_threads(self, search="", limit=THREAD_LIMIT):
        """The current company's threads the user may see, newest first."""
        company = self.env.company
        domain = [("company_id", "=", company.id)]
        if search and search.strip():
            domain += self._search_domain(search.strip(), company)
        threads_sudo = self.env["sms.thread"].sudo()
        found, offset = self.env["sms.thread"], 0
        while len(found) < limit:
            page = threads_sudo.search(domain, limit=limit * 2, offset=offset)
            if not page:
                break
            found |= page.sudo(False)._gateway_visible()
            offset += len(page)
        found = found[:limit].sudo()
        records = found._gateway_records()
        return [self._thread_values(thread, records[thread]) for thread in found]

    @api.model
    def _search_domain(self, search, company):
        logs = (
            self.env["sms.log"]
            .sudo()
            ._read_group(
                [("company_id", "=", company.id), ("body", "ilike", search)],
                ["number"],
                limit=500,
            )
        )
        terms = [
            [("partner_id.name", "ilike", search)],
            [("number", "in", [number for (number,) in logs])],
        ]
        digits = re.sub(r"\D", "", search)
        if len(digits) >= 2:
            terms.append([("number", "ilike", digits)])
        return fields.Domain.OR(terms)

    @api.model
    def find_thread(self, number):
        """The id of the current company's thread with ``number`` the user may
        see, or False (a notification of a received SMS opens it)."""
        thread = self.env["sms.thread"].search(
            [("company_id", "=", self.env.company.id), ("number", "=", number)]
        )
        return thread._gateway_visible().id or False

    @api.model
    def get_thread(self, thread_id):
        """Open a thread: its messages, marked read, and whether one may text.

        A number never looked up is looked up now (when the company looks
        numbers up at all), so that a landline shows at once; then cached.
        """
        thread = self._thread(thread_id)
        company = thread.company_id
        facts = self.env["sms.number"].sudo()._gateway_get([thread.number])
        if (
            not facts.lookup_date
            and company.sms_lookup_policy != "off"
            and company._gateway_applies()
        ):
            facts._gateway_lookup(company)
        if thread.unread_count:
            thread.unread_count = 0
        logs = (
            self.env["sms.log"]
            .sudo()
            .search(
                [("company_id", "=", company.id), ("number", "=", thread.number)],
                order="id desc",
                limit=MESSAGE_LIMIT,
            )
        )
        return {
            "thread": self._thread_values(thread),
            "messages": [self._message_values(log) for log in reversed(logs)],
            "state": self._state(thread),
        }

    @api.model
    def preview(self, thread_id, body):
        """The live figures of ``body`` for this thread, as the composer's."""
        thread = self._thread(thread_id)
        company = thread.company_id
        preview = self._preview(thread, body)
        info, allowance = preview["info"], preview["allowance"]
        verdict = preview["verdicts"][0]
        warning = verdict["reason"] or False
        if not warning and preview["over_cap"]:
            warning = self.env["sms.gateway"]._quota_reason()
        gateway = self.env["sms.gateway"]
        limit = policy.max_characters(info.encoding, company.sms_max_segments or 0)
        cost = preview["cost"] or info.segments * company.sms_segment_price
        return {
            "characters": info.characters,
            "max_characters": limit,
            # The gateway's words for the figures, as every screen shows them.
            "characters_label": gateway._format_characters(info.characters, limit),
            "segments_label": gateway._format_segments(info.segments),
            "cost_label": gateway._format_cost(cost, company.currency_id),
            "segments": info.segments,
            "encoding": info.encoding,
            "unicode_characters": ", ".join(info.unicode_characters),
            "cost": preview["cost"] or info.segments * company.sms_segment_price,
            "currency": company.currency_id.symbol or "",
            "quota_left": allowance.included_left,
            "warning": warning,
        }

    @api.model
    def send(self, thread_id, body):
        """Send ``body`` to the thread's number from its record; the thread again.

        The chatter's own path (``_message_sms``): the gateway decides, logs,
        and dispatches after this request commits.
        """
        thread = self._thread(thread_id)
        if not (body or "").strip():
            raise UserError(self.env._("Write a message first."))
        record = thread._gateway_record().sudo(False)
        partner = thread.partner_id
        if partner and record == partner.sudo(False):
            record._message_sms(
                body,
                partner_ids=partner.ids,
                sms_pid_to_number={partner.id: thread.number},
            )
        else:
            record._message_sms(body, partner_ids=[], sms_numbers=[thread.number])
        return self.get_thread(thread.id)

    # ------------------------------------------------------------------
    # New conversations, contacts
    # ------------------------------------------------------------------

    @api.model
    def search_people(self, term):
        """People the company may text, matching ``term`` (2 characters or more).

        One entry per number, the newest record; who was left out and why, as
        the gateway decides it.
        """
        term = (term or "").strip()
        if len(term) < 2:
            return {"people": [], "left_out": []}
        candidates = []
        fields_by_model = {"res.partner": "phone", "mailing.contact": "mobile"}
        for model, phone_field in fields_by_model.items():
            if model not in self.env or not self.env[model].has_access("read"):
                continue
            records = self.env[model].search_fetch(
                fields.Domain.OR(
                    [[("name", "ilike", term)], [("email", "ilike", term)],
                     [(phone_field, "ilike", term)],
                     [("phone_sanitized", "ilike", term)]]
                ),
                ["name", "phone_sanitized", "create_date"],
                limit=PEOPLE_LIMIT,
            )  # fmt: skip
            candidates += list(records)
        left_out = {}
        newest = {}
        for record in candidates:
            number = record.phone_sanitized
            if not number:
                label = self.env._("no number")
                left_out[label] = left_out.get(label, 0) + 1
                continue
            known = newest.get(number)
            if not known or (record.create_date, record.id) > (
                known.create_date,
                known.id,
            ):
                newest[number] = record
        people = sorted(newest.values(), key=lambda r: (r.name or "").lower())
        preview = (
            self.env["sms.gateway"]
            .sudo()
            ._preview(
                self.env.company,
                "",
                [
                    (p if p._name == "res.partner" else self.env["res.partner"],
                     p.phone_sanitized)
                    for p in people
                ],
            )
        )  # fmt: skip
        for label, count in preview["excluded"].items():
            left_out[label] = left_out.get(label, 0) + count
        textable = [
            {
                "model": person._name,
                "id": person.id,
                "name": person.name or person.phone_sanitized,
                "number": person.phone_sanitized,
            }
            for person, verdict in zip(people, preview["verdicts"], strict=True)
            if not verdict["failure_type"]
        ]
        return {
            "people": textable,
            "left_out": [
                {"label": label, "count": count} for label, count in left_out.items()
            ],
        }

    @api.model
    def start(self, model, res_id):
        """The thread with this contact or mailing contact, opened if new."""
        if model not in ("res.partner", "mailing.contact"):
            raise UserError(self.env._("Conversations start from a contact."))
        record = self.env[model].browse(res_id)
        record.check_access("read")
        number = record.phone_sanitized
        if not number:
            raise UserError(self.env._("This contact has no valid number."))
        company = self.env.company
        threads = self.env["sms.thread"].sudo()
        thread = threads.search(
            [("company_id", "=", company.id), ("number", "=", number)]
        )
        values = {"res_model": model, "res_id": record.id}
        if model == "res.partner":
            values.update(partner_id=record.id, unknown=False)
        if not thread:
            thread = threads.create(
                dict(
                    values,
                    company_id=company.id,
                    number=number,
                    last_date=fields.Datetime.now(),
                )
            )
        elif not thread.res_model:
            thread.write(values)
        return thread.id

    @api.model
    def link_partner(self, thread_id, partner_id=None, name=None):
        """Link an unknown number's thread to a contact (created when ``name``)."""
        thread = self._thread(thread_id)
        if partner_id:
            partner = self.env["res.partner"].browse(partner_id)
            partner.check_access("read")
        elif name and name.strip():
            partner = self.env["res.partner"].create(
                {"name": name.strip(), "phone": thread.number}
            )
        else:
            raise UserError(self.env._("Choose a contact or type a name."))
        thread.write(
            {
                "partner_id": partner.id,
                "res_model": "res.partner",
                "res_id": partner.id,
                "unknown": False,
            }
        )
        return self.get_thread(thread.id)

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------

    @api.model
    def _thread(self, thread_id):
        """The thread as superuser, once the user may see it."""
        thread = self.env["sms.thread"].browse(int(thread_id)).exists()
        if not thread or not thread._gateway_visible():
            raise AccessError(self.env._("You cannot see this conversation."))
        return thread.sudo()

    @api.model
    def _preview(self, thread, body):
        partner = thread.partner_id or self.env["res.partner"]
        return (
            self.env["sms.gateway"]
            .sudo()
            ._preview(thread.company_id, body or "", [(partner, thread.number)])
        )

    @api.model
    def _state(self, thread):
        verdict = self._preview(thread, "")["verdicts"][0]
        failure = verdict["failure_type"]
        if failure not in NOTICE_TYPES:
            return {"can_send": True, "notice": False, "notice_kind": False}
        if failure == "sms_blacklist":
            text = self.env._(
                "This contact has opted out of SMS. You can't send messages until "
                "they text START to opt back in."
            )
        elif failure == "sms_landline":
            text = self.env._(
                "This number is a landline and can't receive SMS messages"
            )
        else:
            text = verdict["reason"]
        return {"can_send": False, "notice": text, "notice_kind": failure}

    @api.model
    def _thread_values(self, thread, record=None):
        last = thread.last_log_id
        body = (last.body or "").strip()
        record = record if record is not None else thread._gateway_record()
        # The contact's name, else the record's (a mailing contact), else the number.
        name = thread.partner_id.name or (
            record.display_name if record._name != thread._name else thread.number
        )
        return {
            "id": thread.id,
            "name": name or thread.number,
            "number": thread.number,
            "unknown": thread.unknown and not thread.partner_id,
            "unread": thread.unread_count,
            "last_date": fields.Datetime.to_string(thread.last_date)
            if thread.last_date
            else False,
            "last_body": body.splitlines()[0] if body else "",
            "last_direction": last.direction or False,
            "record": [thread.res_model, thread.res_id] if thread.res_model else False,
        }

    @api.model
    def _message_values(self, log):
        labels = {
            "queued": self.env._("Queued"),
            "sent": self.env._("Sent"),
            "delivered": self.env._("Delivered"),
            "failed": self.env._("Failed"),
            "review": self.env._("To review"),
            "received": self.env._("Received"),
        }
        status = STATUS_GROUPS.get(log.status, "queued")
        return {
            "id": log.id,
            "direction": log.direction,
            "body": log.body or "",
            "date": fields.Datetime.to_string(log.create_date),
            "status": status,
            "status_label": labels[status],
            "reason": log.error_reason or False,
            "media": (log.media_urls or "").split(),
            "author": log.user_id.name or False,
        }
