# Part of sms_twilio_gateway. License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The gateway's system-wide numeric settings (not a model)."""


def count_setting(env, key, default, maximum):
    """The integer setting ``key`` within 1 and ``maximum``; ``default`` when
    it is unset or not a number."""
    value = env["ir.config_parameter"].sudo().get_param(key)
    try:
        value = int(value or default)
    except ValueError:
        return default
    return min(max(value, 1), maximum)
