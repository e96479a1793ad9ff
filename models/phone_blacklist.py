# Part of sms_twilio_gateway. License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models


class PhoneBlacklist(models.Model):
    _inherit = "phone.blacklist"

    @api.model_create_multi
    def create(self, vals_list):
        records = super().create(vals_list)
        # A person (the list view) or an import: the gateway's own opt-outs
        # (keywords, Twilio) run as superuser and record their consent themselves.
        if not self.env.su:
            numbers = {
                record.number
                for record, vals in zip(records, vals_list, strict=False)
                if vals.get("active", True)
            }
            if numbers:
                imported = bool(self.env.context.get("import_file"))
                self.env["sms.consent"]._record(
                    sorted(numbers),
                    "opt_out",
                    "import" if imported else "user",
                    user=self.env.user,
                )
        return records
