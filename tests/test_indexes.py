# Part of sms_twilio_gateway. License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The gateway's lookups by number and do-not-text have indexes to use."""

from odoo.tests import TransactionCase, tagged

NUMBER_INDEX = "(phone_sanitized) WHERE (phone_sanitized IS NOT NULL)"
DNC_INDEX = "(phone_sanitized) WHERE sms_dnc"


@tagged("post_install", "-at_install")
class TestIndexes(TransactionCase):
    def indexes(self, table):
        self.env.cr.execute(
            "SELECT indexdef FROM pg_indexes WHERE tablename = %s", [table]
        )
        return [definition for (definition,) in self.env.cr.fetchall()]

    def test_numbers_and_do_not_text_are_indexed(self):
        for table in ("res_partner", "mailing_contact"):
            with self.subTest(table=table):
                indexes = self.indexes(table)
                # Opt-outs, number facts and do-not-text are matched on it.
                self.assertTrue([d for d in indexes if d.endswith(NUMBER_INDEX)])
                # Few people are do-not-text: the index holds only them.
                self.assertTrue([d for d in indexes if d.endswith(DNC_INDEX)])
