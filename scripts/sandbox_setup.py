# Part of sms_twilio_gateway. License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
# Run by scripts/run.sh through `odoo-bin shell`: points the main company at
# the bundled Twilio simulator (sandbox mode), with the gateway on.
# ruff: noqa: F821 - `env` is given by odoo-bin shell
import os

from odoo.addons.sms_twilio_gateway.tools.twilio_simulator import (
    DEFAULT_ACCOUNT_SID,
    DEFAULT_AUTH_TOKEN,
)

params = env["ir.config_parameter"].sudo()
params.set_param("sms_twilio_gateway.sandbox_url", os.environ["SIM_URL"])
params.set_param("web.base.url", os.environ["BASE_URL"])
params.set_param("web.base.url.freeze", "True")
company = env.ref("base.main_company")
values = {
    "sms_provider": "twilio",
    "sms_gateway_enabled": True,
    "sms_twilio_sandbox": True,
    "sms_twilio_account_sid": DEFAULT_ACCOUNT_SID,
    "sms_twilio_auth_token": DEFAULT_AUTH_TOKEN,
}
if not company.sms_twilio_number_ids:
    values["sms_twilio_number_ids"] = [
        (0, 0, {"number": "+3228080000", "country_id": env.ref("base.be").id}),
        (0, 0, {"number": "+15005550006", "country_id": env.ref("base.us").id}),
    ]
company.write(values)
env.cr.commit()
print("sandbox ready for", company.name)
