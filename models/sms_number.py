# Part of sms_twilio_gateway. License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging
from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import SQL

from ..tools import twilio_errors
from .gateway_commit import commit_progress

_logger = logging.getLogger(__name__)

LINE_TYPES = [
    ("mobile", "Mobile"),
    ("landline", "Landline"),
    ("fixedVoip", "Fixed VoIP"),
    ("nonFixedVoip", "Non-fixed VoIP"),
    ("personal", "Personal"),
    ("tollFree", "Toll-free"),
    ("premium", "Premium"),
    ("sharedCost", "Shared cost"),
    ("uan", "UAN"),
    ("voicemail", "Voicemail"),
    ("pager", "Pager"),
    ("unknown", "Unknown"),
]


class SmsNumber(models.Model):
    """Facts about one phone number, shared by every record holding it.

    A number's line type and carrier are facts of the world, not of a company:
    the same row serves every company, so the same number is never looked up
    twice. Only managers see them in full; the gateway reads them as sudo.
    """

    _name = "sms.number"
    _description = "SMS number facts"
    _order = "id desc"
    _rec_name = "number"

    number = fields.Char(required=True, readonly=True, index=True, help="E.164")
    country_code = fields.Char(readonly=True)
    line_type = fields.Selection(LINE_TYPES, readonly=True)
    carrier_name = fields.Char(readonly=True)
    lookup_date = fields.Datetime("Last lookup", readonly=True)
    lookup_error = fields.Char(readonly=True)
    lookup_requested = fields.Boolean(
        readonly=True, index=True, help="Waiting for the lookup cron."
    )
    lookup_company_id = fields.Many2one(
        "res.company",
        readonly=True,
        help="The company that asked for the lookup: its Twilio account pays.",
    )
    consecutive_failures = fields.Integer(readonly=True)
    last_error_code = fields.Integer(readonly=True)
    blocked = fields.Boolean("Auto-blocked", index=True)
    blocked_date = fields.Datetime(readonly=True)
    last_delivery_date = fields.Datetime(
        compute="_compute_last_delivery_date",
        help="The last SMS delivered to this number or received from it.",
    )

    _number_unique = models.Constraint("unique(number)", "Number facts are unique.")

    @api.model
    def _gateway_get(self, numbers, create=True):
        """Number facts for these E.164 numbers, one query (created if missing)."""
        numbers = {n for n in numbers if n}
        if not numbers:
            return self.browse()
        found = self.sudo().search_fetch(
            [("number", "in", list(numbers))], ["number", "line_type", "blocked"]
        )
        missing = numbers - set(found.mapped("number"))
        if create and missing:
            # Concurrent creators race on the unique index: insert what is
            # missing, ignore what another transaction inserted meanwhile.
            self.env.cr.execute(
                "INSERT INTO sms_number (number, create_date, write_date, "
                "create_uid, write_uid, consecutive_failures, last_error_code) "
                "SELECT n, now() at time zone 'utc', now() at time zone 'utc', "
                "%s, %s, 0, 0 FROM unnest(%s) n ON CONFLICT (number) DO NOTHING",
                (self.env.uid, self.env.uid, sorted(missing)),
            )
            found = self.sudo().search([("number", "in", list(numbers))])
        return found

    @api.model
    def _gateway_request_lookup(self, numbers, company):
        """Queue numbers never looked up for the lookup cron: one query.

        The company that asks is the one whose Twilio account pays the lookup.
        """
        if not numbers:
            return
        self.env.cr.execute(
            SQL(
                "INSERT INTO sms_number (number, lookup_requested, "
                "lookup_company_id, create_date, write_date, create_uid, write_uid, "
                "consecutive_failures, last_error_code) SELECT n, TRUE, %s, "
                "now() at time zone 'utc', now() at time zone 'utc', %s, %s, 0, 0 "
                "FROM unnest(%s::varchar[]) n ON CONFLICT (number) DO UPDATE SET "
                "lookup_requested = TRUE, "
                "lookup_company_id = EXCLUDED.lookup_company_id "
                "WHERE sms_number.lookup_date IS NULL",
                company.id,
                self.env.uid,
                self.env.uid,
                sorted(numbers),
            )
        )
        self.env["sms.number"].invalidate_model(
            ["lookup_requested", "lookup_company_id"]
        )
        self.env.ref("sms_twilio_gateway.ir_cron_sms_number_lookup")._trigger()

    @api.model
    def _gateway_lookup_due(self, numbers, company, refresh_days):
        """Look up, on the company's account, those never looked up or stale."""
        self._gateway_look_up(company, self._gateway_due(numbers, refresh_days))

    @api.model
    def _gateway_due(self, numbers, refresh_days):
        """Which of these numbers need a lookup: never looked up, or stale,
        and not auto-blocked. Reads only: a dispatcher asks it while its
        messages are in flight."""
        numbers = sorted({n for n in numbers if n})
        if not numbers:
            return []
        self.flush_model(["number", "lookup_date", "blocked"])
        limit = fields.Datetime.now() - timedelta(days=refresh_days or 0)
        known = self.env.execute_query(
            SQL(
                "SELECT number FROM sms_number WHERE number = ANY(%s) AND "
                "(blocked OR (lookup_date IS NOT NULL AND lookup_date >= %s))",
                numbers,
                limit,
            )
        )
        return sorted(set(numbers) - {number for (number,) in known})

    def _gateway_lookup(self, company):
        """Ask Twilio Lookup for the line type of these numbers.

        A failed lookup (bad credentials, Twilio down) is recorded on the
        number and never raises: it must not stop anyone's SMS.
        """
        self._gateway_look_up(company, self.mapped("number"))

    @api.model
    def _gateway_look_up(self, company, numbers):
        if numbers:
            transport = self.env["sms.gateway.transport"]
            self._gateway_store_lookups(transport._lookup_numbers(company, numbers))

    @api.model
    def _gateway_store_lookups(self, results):
        """Store Twilio Lookup's answers ``{number: (outcome, result)}``
        (see ``sms.gateway.transport._lookup_numbers``): one statement, the
        facts created if missing. A failed lookup keeps what was known."""
        now = fields.Datetime.now()
        found, failed = [], []
        for number, (outcome, result) in sorted(results.items()):
            if outcome == "error":
                _logger.info("SMS lookup of a number failed: %s", result)
                failed.append(SQL("(%s, %s)", number, str(result)[:200]))
                continue
            line_type = result["line_type"]
            error = False
            if not result["valid"]:
                error = ", ".join(result["validation_errors"]) or self.env._(
                    "Invalid number"
                )
            found.append(
                SQL(
                    "(%s, %s, %s, %s, %s)",
                    number,
                    line_type if line_type in dict(LINE_TYPES) else "unknown",
                    result["carrier_name"],
                    result["country_code"],
                    error or None,
                )
            )
        self.flush_model()
        if found:
            self._gateway_upsert_lookups(
                SQL("number, line_type, carrier_name, country_code, lookup_error"),
                found,
                now,
                SQL(
                    "line_type = EXCLUDED.line_type, "
                    "carrier_name = EXCLUDED.carrier_name, "
                    "country_code = EXCLUDED.country_code, "
                    "lookup_error = EXCLUDED.lookup_error"
                ),
            )
        if failed:
            self._gateway_upsert_lookups(
                SQL("number, lookup_error"),
                failed,
                now,
                SQL("lookup_error = EXCLUDED.lookup_error"),
            )
        self.invalidate_model()

    @api.model
    def _gateway_upsert_lookups(self, columns, rows, now, updates):
        self.env.cr.execute(
            SQL(
                "INSERT INTO sms_number (%s, lookup_date, lookup_requested, "
                "consecutive_failures, last_error_code, create_date, write_date, "
                "create_uid, write_uid) SELECT v.*, %s, FALSE, 0, 0, %s, %s, %s, %s "
                "FROM (VALUES %s) v ON CONFLICT (number) DO UPDATE SET %s, "
                "lookup_date = EXCLUDED.lookup_date, lookup_requested = FALSE, "
                "write_date = EXCLUDED.write_date, write_uid = EXCLUDED.write_uid",
                columns,
                now,
                now,
                now,
                self.env.uid,
                self.env.uid,
                SQL(", ").join(rows),
                updates,
            )
        )

    def _compute_last_delivery_date(self):
        # Read from the log, where every delivery is already written: a
        # delivered callback writes nothing here unless failures need reset.
        self.env["sms.log"].flush_model(["number", "direction", "status", "date_done"])
        rows = self.env.execute_query(
            SQL(
                "SELECT number, MAX(CASE WHEN direction = 'inbound' "
                "THEN create_date ELSE date_done END) FROM sms_log "
                "WHERE number = ANY(%s) "
                "AND (direction = 'inbound' OR status = 'delivered') GROUP BY number",
                self.mapped("number"),
            )
        )
        last = dict(rows)
        for number in self:
            number.last_delivery_date = last.get(number.number)

    @api.model
    def _gateway_record_delivery_of(self, number):
        """A delivery (or a reply) proves the number works: its failures are
        reset. One statement, no read."""
        self.flush_model(["consecutive_failures"])
        self.env.cr.execute(
            SQL(
                "UPDATE sms_number SET consecutive_failures = 0, write_date = %s, "
                "write_uid = %s WHERE number = %s AND consecutive_failures > 0",
                fields.Datetime.now(),
                self.env.uid,
                number,
            )
        )
        self.invalidate_model(["consecutive_failures"])

    def _gateway_record_failure(self, error_code, threshold):
        """Count a carrier failure; block the number past the threshold."""
        error = twilio_errors.describe(error_code)
        for number in self:
            if not error.carrier_failure:
                number.last_error_code = error.code or 0
                continue
            failures = number.consecutive_failures + 1
            values = {"consecutive_failures": failures, "last_error_code": error.code}
            if threshold and failures >= threshold and not number.blocked:
                values.update(blocked=True, blocked_date=fields.Datetime.now())
            number.write(values)

    def action_unblock(self):
        self.write({"blocked": False, "blocked_date": False, "consecutive_failures": 0})

    @api.model
    def _cron_lookup(self, limit=200):
        """Look up the numbers queued at intake, each on the account that asked."""
        while todo := self.search([("lookup_requested", "=", True)], limit=limit):
            for company, numbers in todo.grouped("lookup_company_id").items():
                if company and company._gateway_applies():
                    numbers._gateway_lookup(company)
                else:
                    numbers.write({"lookup_requested": False})
            if not commit_progress(self.env, len(todo)):
                return
