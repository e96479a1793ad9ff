# Part of sms_twilio_gateway. License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
# Run by scripts/run.sh through `odoo-bin shell`: points the main company at
# the bundled Twilio simulator (sandbox mode), with the gateway on.
# ruff: noqa: F821 - `env` is given by odoo-bin shell
import os

params = env["ir.config_parameter"].sudo()
params.set_param("web.base.url", os.environ["BASE_URL"])
params.set_param("web.base.url.freeze", "True")
company = env.ref("base.main_company")
numbers = [
    ("+3228080000", env.ref("base.be")),
    ("+15005550006", env.ref("base.us")),
]
# Keep the numbers an admin may have changed since the first run.
company._gateway_use_sandbox(
    os.environ["SIM_URL"], numbers=None if company.sms_twilio_number_ids else numbers
)
env.cr.commit()
print("sandbox ready for", company.name)
