# Part of sms_twilio_gateway. License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models
from odoo.tools import SQL

# Figure of each list member, first matching status wins (the gateway's order).
SMS_FIGURES = {
    "missing": "sms_count_missing",
    "invalid": "sms_count_invalid",
    "opted_out": "sms_count_opted_out",
    "dnc": "sms_count_dnc",
    "blocked": "sms_count_blocked",
    "landline": "sms_count_landline",
}


class MailingList(models.Model):
    _inherit = "mailing.list"

    sms_count_reachable = fields.Integer(
        "SMS reachable",
        compute="_compute_sms_figures",
        help="Contacts who will receive an SMS sent to this list, one per number.",
    )
    sms_count_opted_out = fields.Integer(
        "SMS opted out",
        compute="_compute_sms_figures",
        help="Number opted out (STOP) or contact unsubscribed from this list.",
    )
    sms_count_dnc = fields.Integer("Do not text", compute="_compute_sms_figures")
    sms_count_blocked = fields.Integer(
        "Blocked numbers", compute="_compute_sms_figures"
    )
    sms_count_landline = fields.Integer("Landlines", compute="_compute_sms_figures")
    sms_count_invalid = fields.Integer(
        "Invalid numbers", compute="_compute_sms_figures"
    )
    sms_count_missing = fields.Integer("No number", compute="_compute_sms_figures")
    sms_count_duplicate = fields.Integer(
        "Duplicate numbers",
        compute="_compute_sms_figures",
        help="Reachable contacts sharing a number with another one: they get one SMS.",
    )

    def _compute_sms_figures(self):
        """All figures of all lists in one query (SQL: lists can be large)."""
        names = [*SMS_FIGURES.values(), "sms_count_reachable", "sms_count_duplicate"]
        figures = {}
        lists = self.filtered(lambda mlist: mlist._origin.id)
        if lists:
            self.env.flush_all()
            self.env.cr.execute(
                SQL(
                    """
                WITH member AS (
                    SELECT s.list_id, c.phone_sanitized AS number,
                           CASE
                               WHEN c.phone_sanitized IS NULL
                                    AND COALESCE(TRIM(c.mobile), '') = ''
                                   THEN 'missing'
                               WHEN c.phone_sanitized IS NULL THEN 'invalid'
                               WHEN COALESCE(s.opt_out, FALSE) OR bl.id IS NOT NULL
                                   THEN 'opted_out'
                               WHEN c.sms_dnc OR EXISTS (
                                        SELECT 1 FROM mailing_contact other
                                         WHERE other.sms_dnc
                                           AND other.phone_sanitized = c.phone_sanitized
                                    ) OR EXISTS (
                                        SELECT 1 FROM res_partner p
                                         WHERE p.sms_dnc
                                           AND p.phone_sanitized = c.phone_sanitized
                                           AND (p.company_id IS NULL
                                                OR p.company_id = %(company)s)
                                    )
                                   THEN 'dnc'
                               WHEN n.blocked THEN 'blocked'
                               WHEN n.line_type = 'landline' THEN 'landline'
                               ELSE 'ok'
                           END AS status
                      FROM mailing_subscription s
                      JOIN mailing_contact c ON c.id = s.contact_id
                 LEFT JOIN phone_blacklist bl
                        ON bl.number = c.phone_sanitized AND bl.active
                 LEFT JOIN sms_number n ON n.number = c.phone_sanitized
                     WHERE s.list_id IN %(lists)s
                )
                SELECT list_id, status, COUNT(*), COUNT(DISTINCT number)
                  FROM member
              GROUP BY list_id, status
                """,
                    company=self.env.company.id,
                    lists=tuple(lists._origin.ids),
                )
            )
            for list_id, status, count, distinct in self.env.cr.fetchall():
                values = figures.setdefault(list_id, dict.fromkeys(names, 0))
                if status == "ok":
                    values["sms_count_reachable"] = distinct
                    values["sms_count_duplicate"] = count - distinct
                else:
                    values[SMS_FIGURES[status]] = count
        empty = dict.fromkeys(names, 0)
        for mlist in self:
            mlist.update(figures.get(mlist._origin.id, empty))

    def action_gateway_send_sms(self):
        """The confirmation wizard of an SMS to these lists."""
        action = self.env["ir.actions.actions"]._for_xml_id(
            "sms_twilio_gateway.sms_list_send_action"
        )
        action["context"] = {"default_list_ids": self.ids, "dialog_size": "large"}
        return action
