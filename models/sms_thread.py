# Part of sms_twilio_gateway. License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.tools import SQL, html2plaintext

BUS_THREADS = "sms_twilio_gateway/threads"
BUS_CHATTER = "sms_twilio_gateway/chatter"


class SmsThread(models.Model):
    """A conversation: one per company and phone number, fed by ``sms.log``.

    The messages are the log rows of that number (both directions); the
    thread keeps what the inbox lists (last activity, unread count) and which
    record the conversation belongs to. Texts from a number nobody holds are
    logged in the thread's own chatter until someone links a contact.
    """

    _name = "sms.thread"
    _inherit = ["mail.thread"]
    _description = "SMS conversation"
    _order = "last_date desc, id desc"
    _rec_name = "number"
    # Team members answering an unknown number can read it, not edit it.
    _mail_post_access = "read"

    company_id = fields.Many2one("res.company", required=True, readonly=True)
    number = fields.Char(required=True, readonly=True, help="E.164")
    partner_id = fields.Many2one("res.partner", "Contact", index="btree_not_null")
    res_model = fields.Char("Record model", readonly=True)
    res_id = fields.Many2oneReference("Record", model_field="res_model", readonly=True)
    unknown = fields.Boolean(
        "Unknown number", readonly=True, help="Nobody held this number when it wrote."
    )
    last_log_id = fields.Many2one("sms.log", readonly=True)
    last_date = fields.Datetime("Last activity", readonly=True, index=True)
    unread_count = fields.Integer(readonly=True)

    _company_number_unique = models.Constraint(
        "unique(company_id, number)", "One conversation per number and company."
    )

    @api.depends("partner_id", "number")
    def _compute_display_name(self):
        for thread in self:
            thread.display_name = thread.partner_id.name or thread.number

    # ------------------------------------------------------------------
    # Fed by the log
    # ------------------------------------------------------------------

    @api.model
    def _gateway_touch(self, logs):
        """Upsert the threads of these log rows, one query; notify the inbox.

        Mailing SMS open no thread (a campaign would bury the conversations);
        a reply to one does. Rows without a real number are skipped.
        """
        rows = {}
        for log in logs.sudo():
            if not (log.number or "").startswith("+"):
                continue
            if log.direction == "outbound" and log.mailing_id:
                continue
            key = (log.company_id.id, log.number)
            inbound = log.direction == "inbound"
            previous = rows.get(key)
            rows[key] = (
                max(log.id, previous[0]) if previous else log.id,
                log.partner_id.id or (previous[1] if previous else None),
                (previous[2] if previous else 0) + int(inbound),
                (log.res_model, log.res_id)
                if not inbound and log.res_model and log.res_id
                else (previous[3] if previous else (None, None)),
            )
        if not rows:
            return self.browse()
        values = SQL(", ").join(
            SQL(
                "(%s::int, %s::varchar, %s::int, %s::int, %s::int, "
                "%s::varchar, %s::int)",
                company, number, log_id, partner, unread, record[0], record[1],
            )
            for (company, number), (log_id, partner, unread, record) in rows.items()
        )  # fmt: skip
        # Pending ORM writes of threads (unread reset) must not undo this upsert.
        self.flush_model()
        self.env.cr.execute(
            SQL(
                """
                INSERT INTO sms_thread AS t (company_id, number, last_log_id,
                    partner_id, unread_count, res_model, res_id, last_date,
                    create_uid, write_uid, create_date, write_date)
                SELECT v.company, v.number, v.log_id, v.partner, v.unread,
                    v.res_model, v.res_id, l.create_date, %(uid)s, %(uid)s,
                    now() at time zone 'utc', now() at time zone 'utc'
                FROM (VALUES %(values)s) AS v(company, number, log_id, partner,
                    unread, res_model, res_id)
                JOIN sms_log l ON l.id = v.log_id
                ON CONFLICT (company_id, number) DO UPDATE SET
                    last_log_id = GREATEST(t.last_log_id, EXCLUDED.last_log_id),
                    last_date = GREATEST(t.last_date, EXCLUDED.last_date),
                    unread_count = t.unread_count + EXCLUDED.unread_count,
                    partner_id = COALESCE(t.partner_id, EXCLUDED.partner_id),
                    res_model = COALESCE(EXCLUDED.res_model, t.res_model),
                    res_id = COALESCE(EXCLUDED.res_id, t.res_id),
                    write_date = EXCLUDED.write_date
                RETURNING t.id
                """,
                uid=self.env.uid,
                values=values,
            )
        )
        threads = self.browse(row[0] for row in self.env.cr.fetchall())
        threads.invalidate_recordset()
        threads._gateway_notify()
        return threads

    @api.model
    def _gateway_for_logs(self, logs):
        """The threads these log rows belong to (no new ones)."""
        keys = {(log.company_id.id, log.number) for log in logs.sudo()}
        if not keys:
            return self.browse()
        self.env.cr.execute(
            SQL(
                "SELECT id FROM sms_thread WHERE (company_id, number) IN (%s)",
                SQL(", ").join(SQL("(%s, %s)", *key) for key in keys),
            )
        )
        return self.browse(row[0] for row in self.env.cr.fetchall())

    def _gateway_notify(self):
        """Tell open inboxes of the company which threads moved (ids only)."""
        bus = self.env["bus.bus"].sudo()
        for company, threads in self.grouped("company_id").items():
            bus._sendone(company, BUS_THREADS, {"thread_ids": threads.ids})

    # ------------------------------------------------------------------
    # Inbound
    # ------------------------------------------------------------------

    @api.model
    def _gateway_partner_for(self, number, company):
        """The newest contact of the company (or shared) holding this number."""
        return (
            self.env["res.partner"]
            .sudo()
            .search(
                [
                    ("phone_sanitized", "=", number),
                    ("company_id", "in", [False, company.id]),
                ],
                order="id desc",
                limit=1,
            )
        )

    @api.model
    def _gateway_route(self, number, company):
        """(record, author partner, last outbound log) for a text from ``number``.

        The record that last texted the number, else the record its
        conversation was linked to, else the newest contact holding it; no
        record when nobody holds the number.
        """
        last = self.env["sms.log"].sudo().search(
            [("direction", "=", "outbound"), ("number", "=", number),
             ("company_id", "=", company.id),
             ("status", "not in", ("blocked", "canceled"))],
            order="id desc", limit=1,
        )  # fmt: skip
        thread = self.sudo().search(
            [("company_id", "=", company.id), ("number", "=", number)]
        )
        partner = (
            last.partner_id
            or thread.partner_id
            or self._gateway_partner_for(number, company)
        )
        record = self.env["res.partner"].browse()
        if last.res_model and last.res_id and last.res_model in self.env:
            model = self.env[last.res_model].sudo()
            if hasattr(model, "message_post"):
                record = model.browse(last.res_id).exists()
        if not record and thread and (thread.res_model or thread.partner_id):
            record = thread._gateway_record()
        return record or partner, partner, last

    @api.model
    def _gateway_deliver(self, log, log_values, media, company):
        """An ordinary inbound text: in its record's chatter and its thread.

        From a number nobody holds, the thread itself keeps the text and the
        team receiving unassigned SMS is told; a contact is created only when
        someone links or creates one from the thread.
        """
        number = log_values["number"]
        record, partner, last = self._gateway_route(number, company)
        log.write(dict(log_values, partner_id=partner.id))
        thread = self._gateway_touch(log).sudo()
        if not record:
            thread.unknown = True
            record = thread
        message = record._gateway_post_inbound(
            log_values["body"], media, partner, last.user_id, number
        )
        log.write(
            {
                "res_model": record._name,
                "res_id": record.id,
                "mail_message_id": message.id,
            }
        )
        if record == thread:
            thread._gateway_notify_team(message)
        # An open chatter of that record shows it at once.
        self.env["bus.bus"].sudo()._sendone(
            company, BUS_CHATTER, {"model": record._name, "res_id": record.id}
        )

    def _gateway_notify_team(self, message):
        """Tell the team receiving unassigned SMS: its users' inbox, its channel."""
        self.ensure_one()
        company = self.company_id.sudo()
        users = company.sms_inbox_user_ids
        if users:
            self._notify_thread_by_inbox(
                message,
                [
                    {"id": user.partner_id.id, "uid": user.id, "notif": "inbox"}
                    for user in users
                ],
            )
        channel = company.sms_inbox_channel_id
        if channel:
            channel.message_post(
                body=self.env._(
                    "SMS from an unknown number %(number)s: “%(text)s”. Open SMS > "
                    "Conversations to answer it.",
                    number=self.number,
                    text=(message.body and html2plaintext(message.body)) or "",
                ),
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
                author_id=self.env.ref("base.partner_root").id,
            )

    # ------------------------------------------------------------------
    # Whose it is
    # ------------------------------------------------------------------

    def _gateway_record(self):
        """The record the conversation lives on: its record, contact, or itself."""
        self.ensure_one()
        return self._gateway_records()[self]

    def _gateway_records(self):
        """``{thread: record}`` for these threads, one query per model."""
        existing = {}
        for model, threads in self.grouped("res_model").items():
            if model in self.env and hasattr(self.env[model], "_message_sms"):
                ids = [t.res_id for t in threads if t.res_id]
                existing[model] = set(self.env[model].browse(ids).exists().ids)
        return {
            thread: self.env[thread.res_model].browse(thread.res_id)
            if thread.res_id in existing.get(thread.res_model, ())
            else thread.partner_id or thread
            for thread in self
        }

    def _gateway_visible(self):
        """The threads the current user may see.

        SMS managers: every thread of their companies. Others: the threads
        whose record (or contact) they may read; an unknown number's thread
        to the team that receives unassigned SMS (everyone when there is none).
        """
        user = self.env.user
        # The record rules first (company, unknown numbers' team), then the
        # records behind the threads.
        threads = self._filtered_access("read").filtered(
            lambda t: t.company_id in user.company_ids
        )
        if user.has_group("sms_twilio_gateway.group_sms_manager"):
            return threads
        records = {}
        for thread, record in threads.sudo()._gateway_records().items():
            records.setdefault(record._name, []).append((thread, record.id))
        visible = self.browse()
        for model, pairs in records.items():
            if model == self._name:
                visible |= self.browse(
                    t.id for t, _id in pairs if t.company_id._gateway_in_team(user)
                )
                continue
            readable = set(
                self.env[model]
                .browse(i for _t, i in pairs)
                ._filtered_access("read")
                .ids
            )
            visible |= self.browse(t.id for t, i in pairs if i in readable)
        return self.browse([t.id for t in threads if t in visible])
