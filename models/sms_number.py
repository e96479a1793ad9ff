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
        self._gateway_due(numbers, refresh_days)._gateway_lookup(company)

    @api.model
    def _gateway_due(self, numbers, refresh_days):
        """The facts of these numbers that need a lookup (never, or stale)."""
        facts = self._gateway_get(numbers).filtered(lambda n: not n.blocked)
        limit = fields.Datetime.now() - timedelta(days=refresh_days or 0)
        return facts.filtered(lambda n: not n.lookup_date or n.lookup_date < limit)

    def _gateway_lookup(self, company):
        """Ask Twilio Lookup for the line type of these numbers.

        A failed lookup (bad credentials, Twilio down) is recorded on the
        number and never raises: it must not stop anyone's SMS.
        """
        if not self:
            return
        results = self.env["sms.gateway.transport"]._lookup_numbers(
            company, self.mapped("number")
        )
        self._gateway_store_lookups(results)

    def _gateway_store_lookups(self, results):
        """Store Twilio Lookup's answers ``{number: (outcome, result)}``
        (see ``sms.gateway.transport._lookup_numbers``)."""
        for number in self:
            values = {"lookup_date": fields.Datetime.now(), "lookup_requested": False}
            outcome, result = results[number.number]
            if outcome == "error":
                _logger.info("SMS lookup of number facts %s failed", number.id)
                values["lookup_error"] = str(result)[:200]
            else:
                line_type = result["line_type"]
                values.update(
                    line_type=line_type if line_type in dict(LINE_TYPES) else "unknown",
                    carrier_name=result["carrier_name"],
                    country_code=result["country_code"],
                    lookup_error=False
                    if result["valid"]
                    else ", ".join(result["validation_errors"])
                    or self.env._("Invalid number"),
                )
            number.write(values)

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
