# Part of sms_twilio_gateway. License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "SMS Twilio Gateway",
    "summary": "Compliant two-way SMS on Twilio: one gateway for opt-out, "
    "do-not-contact, number quality, quotas and segment billing",
    "version": "19.0.1.0.0",
    "category": "Marketing/SMS Marketing",
    "website": "https://github.com/sms-twilio-gateway/sms_twilio_gateway",
    "author": "sms_twilio_gateway developers",
    "license": "LGPL-3",
    "depends": ["sms_twilio", "mass_mailing_sms"],
    "external_dependencies": {"python": ["twilio", "phonenumbers"]},
    "data": [
        "security/sms_twilio_gateway_groups.xml",
        "security/ir.model.access.csv",
        "security/sms_twilio_gateway_rules.xml",
        "data/sms_twilio_gateway_data.xml",
        # settings, analytics, menus
        # composer, contacts, mailing lists
    ],
    "assets": {
        "web.assets_backend": [
            # backend assets
        ],
        "web.assets_tests": [
            # tours
        ],
    },
    "demo": ["demo/sms_twilio_gateway_demo.xml"],
    "installable": True,
    "application": False,
}
