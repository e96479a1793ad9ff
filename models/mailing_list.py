# Part of sms_twilio_gateway. License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from collections import defaultdict

from odoo import fields, models
from odoo.tools import SQL

from ..tools import policy

# The figure each refusal of the gateway counts in.
SMS_FIGURES = {
    "sms_number_missing": "sms_count_missing",
    "sms_number_format": "sms_count_invalid",
    "sms_blacklist": "sms_count_opted_out",
    "sms_dnc": "sms_count_dnc",
    "sms_blocked": "sms_count_blocked",
    "sms_landline": "sms_count_landline",
    "sms_duplicate": "sms_count_duplicate",
}


class MailingList(models.Model):
    _inherit = "mailing.list"

    sms_count_reachable = fields.Integer(
        "SMS reachable",
        compute="_compute_sms_figures",
        help="Contacts who will receive an SMS sent to this list, one per number.",
    )
    sms_count_opted_out = fields.Integer(
        "Opted out",
        compute="_compute_sms_figures",
        help="Number opted out (STOP) or contact unsubscribed from this list.",
    )
    sms_count_dnc = fields.Integer("Do not text", compute="_compute_sms_figures")
    sms_count_blocked = fields.Integer("Blocked number", compute="_compute_sms_figures")
    sms_count_landline = fields.Integer("Landline", compute="_compute_sms_figures")
    sms_count_invalid = fields.Integer("Invalid number", compute="_compute_sms_figures")
    sms_count_missing = fields.Integer("No number", compute="_compute_sms_figures")
    sms_count_duplicate = fields.Integer(
        "Duplicate number",
        compute="_compute_sms_figures",
        help="Reachable contacts sharing a number with another one: they get one SMS.",
    )

    def _compute_sms_figures(self):
        """Each member as the gateway decides it now (``sms.gateway``): the
        members of all lists read in one query, decided in one batch per list."""
        names = [*SMS_FIGURES.values(), "sms_count_reachable"]
        members = defaultdict(list)
        lists = self.filtered(lambda mlist: mlist._origin.id)
        if lists:
            self.env.flush_all()
            self.env.cr.execute(
                SQL(
                    "SELECT s.list_id, c.id, COALESCE(c.phone_sanitized, c.mobile), "
                    "COALESCE(s.opt_out, FALSE), COALESCE(c.sms_dnc, FALSE) "
                    "FROM mailing_subscription s "
                    "JOIN mailing_contact c ON c.id = s.contact_id "
                    "WHERE s.list_id IN %s ORDER BY s.list_id, c.id",
                    tuple(lists._origin.ids),
                )
            )
            for list_id, contact_id, number, opt_out, dnc in self.env.cr.fetchall():
                members[list_id].append((contact_id, number, opt_out, dnc))
        asks = {
            list_id: [
                policy.Request(contact_id, number, "", kind=policy.MARKETING,
                               partner_dnc=dnc)
                for contact_id, number, opt_out, dnc in rows
                if not opt_out
            ]
            for list_id, rows in members.items()
        }  # fmt: skip
        # The facts of every list's numbers at once; each list decided alone
        # (a number twice in one list is one SMS).
        gateway = self.env["sms.gateway"].sudo()
        company = self.env.company
        now = fields.Datetime.now()
        everyone = [request for batch in asks.values() for request in batch]
        rules = gateway._rules(company)
        checks = policy.check_numbers(everyone, rules)
        numbers = {check.e164 for check in checks.values() if check.e164}
        facts = gateway._facts(company, everyone, numbers, now)
        for mlist in self:
            figures = dict.fromkeys(names, 0)
            batch = asks.get(mlist._origin.id, [])
            figures["sms_count_opted_out"] = len(
                members.get(mlist._origin.id, [])
            ) - len(batch)
            for verdict in policy.decide(batch, facts, rules, now, checks).values():
                if verdict.outcome in (policy.SEND, policy.DEFER):
                    figures["sms_count_reachable"] += 1
                else:
                    figure = SMS_FIGURES.get(verdict.failure_type, "sms_count_invalid")
                    figures[figure] += 1
            mlist.update(figures)

    def _mailing_get_opt_out_list_sms(self, mailing):
        """Odoo's rule in one query (it reads every subscription of the lists
        as records, at each preview of a large list): the contacts opted out
        of one of the lists and subscribed to none of them."""
        lists = self or mailing.contact_list_ids
        if not lists:
            return []
        subscriptions = self.env["mailing.subscription"]
        subscriptions.flush_model(["list_id", "contact_id", "opt_out"])
        rows = self.env.execute_query(
            SQL(
                "SELECT contact_id FROM mailing_subscription WHERE list_id IN %s "
                "GROUP BY contact_id HAVING bool_and(COALESCE(opt_out, FALSE))",
                tuple(lists.ids),
            )
        )
        return [contact_id for (contact_id,) in rows]

    def action_gateway_send_sms(self):
        """The confirmation wizard of an SMS to these lists."""
        action = self.env["ir.actions.actions"]._for_xml_id(
            "sms_twilio_gateway.sms_list_send_action"
        )
        action["context"] = {"default_list_ids": self.ids, "dialog_size": "large"}
        return action
