# Part of sms_twilio_gateway. License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from . import controllers
from . import models
from . import wizards


def post_init_hook(env):
    """Companies already sending through Twilio are governed from the start."""
    env["res.company"].search([("sms_provider", "=", "twilio")]).write(
        {"sms_gateway_enabled": True}
    )
