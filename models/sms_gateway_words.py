# Part of sms_twilio_gateway. License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The gateway's words and figures, as every screen shows them.

The composer, the list-send confirmation, the mailing-list figures, the SMS
mailing summary and the message log all word exclusions, segments, characters
and costs through these methods, so that one screen never says "Blacklisted"
or "$ 0.01" where another says "Opted out" or "$ 0.0079".
"""

from odoo import api, models
from odoo.tools.misc import formatLang

# Costs of a segment are fractions of a cent: one precision everywhere.
COST_DIGITS = 4
# Excluded from a list send because the contact left the list (not a
# failure type of an SMS: the SMS is never created).
UNSUBSCRIBED = "unsubscribed"


class SmsGateway(models.AbstractModel):
    _inherit = "sms.gateway"

    @api.model
    def _labels(self):
        """{failure type: short label} of the reasons an SMS is not sent.

        One literal per key, so that each is extracted for translation. Keys
        missing here fall back to the failure type's selection label.
        """
        env = self.env
        return {
            "sms_number_missing": env._("No number"),
            "sms_number_format": env._("Invalid number"),
            "sms_blacklist": env._("Opted out"),
            "sms_dnc": env._("Do not text"),
            "sms_blocked": env._("Blocked number"),
            "sms_landline": env._("Landline"),
            "sms_too_long": env._("Too long"),
            "sms_duplicate": env._("Duplicate number"),
            "sms_rate_limit": env._("Rate limit"),
            "sms_quota": env._("Quota reached"),
            "sms_country": env._("Country not allowed"),
            "sms_daily_cap": env._("Daily cap reached"),
            "sms_review": env._("Fate unknown (review)"),
            UNSUBSCRIBED: env._("Unsubscribed from the list"),
        }

    @api.model
    def _label(self, failure_type, labels=None):
        """The short label of one failure type (any key of ``sms.sms``)."""
        if not failure_type:
            return ""
        labels = labels if labels is not None else self._labels()
        if failure_type in labels:
            return labels[failure_type]
        selection = dict(
            self.env["sms.sms"]._fields["failure_type"]._description_selection(self.env)
        )
        return selection.get(failure_type, failure_type)

    @api.model
    def _format_segments(self, count):
        """'1 segment', '2 segments' (thousands separated)."""
        shown = formatLang(self.env, count or 0, digits=0)
        if count == 1:
            return self.env._("%(count)s segment", count=shown)
        return self.env._("%(count)s segments", count=shown)

    @api.model
    def _format_characters(self, count, limit):
        """'10 / 1,530 characters': the limit that applies to this body."""
        return self.env._(
            "%(count)s / %(limit)s characters",
            count=formatLang(self.env, count or 0, digits=0),
            limit=formatLang(self.env, limit, digits=0),
        )

    @api.model
    def _format_cost(self, amount, currency):
        """An amount with its currency, at the precision of a segment's cost.

        (``formatLang`` given a currency rounds to its cents: "$ 0.01" for a
        segment of $ 0.0079.)
        """
        shown = formatLang(self.env, amount or 0.0, digits=COST_DIGITS)
        if not currency or not currency.symbol:
            return shown
        if currency.position == "after":
            return f"{shown}\N{NO-BREAK SPACE}{currency.symbol}"
        return f"{currency.symbol}\N{NO-BREAK SPACE}{shown}"
