# Part of sms_twilio_gateway. License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models

from ..tools import phone_numbers


class Base(models.AbstractModel):
    _inherit = "base"

    def _gateway_sms_recipients(self, number_field=False):
        """``{record.id: (partner, number, sanitized)}`` of a mass SMS to these
        records: the number Odoo's composer will text, as
        ``_sms_get_recipients_info`` finds it, in linear time.

        Numbers are read in batch and checked by the gateway's cached checker
        (a list is previewed again at each change of its mailing's text);
        records without a valid number of their own, rare, go through Odoo's
        method, whose partner fallback then applies as at sending.
        """
        fnames = [number_field] if number_field else self._phone_get_number_fields()
        fnames = [fname for fname in fnames if fname in self._fields]
        countries = self._phone_get_country()
        default_region = self.env.company.country_id.code or None
        partners = self._mail_get_partners()
        result = {}
        for record in self:
            country = countries.get(record.id)
            region = country.code if country else default_region
            for fname in fnames:
                value = record[fname]
                if value and (check := phone_numbers.check_number(value, region)).ok:
                    partner = partners[record.id][:1]
                    result[record.id] = (partner, value, check.e164)
                    break
        others = self.browse(set(self.ids) - set(result))
        for record_id, info in others._sms_get_recipients_info(
            force_field=number_field
        ).items():
            result[record_id] = (info["partner"], info["number"], info["sanitized"])
        return result
