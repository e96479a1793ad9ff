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
        "views/sms_log_views.xml",
        "views/sms_usage_views.xml",
        "views/sms_number_views.xml",
        "wizards/sms_test_wizard_views.xml",
        "views/res_config_settings_views.xml",
        "views/res_config_settings_rules_views.xml",
        "views/sms_menus.xml",
        "views/sms_probable_opt_out_views.xml",
        # composer, contacts, mailing lists
        "wizards/sms_composer_views.xml",
        "wizards/sms_composer_draft_views.xml",
        "wizards/sms_list_send_views.xml",
        "wizards/sms_list_send_options_views.xml",
        "views/res_partner_views.xml",
        "views/mailing_list_views.xml",
        "views/mailing_mailing_views.xml",
        # conversations, consent
        "views/sms_inbox_views.xml",
    ],
    "assets": {
        "web.assets_backend": [
            # backend assets
            "sms_twilio_gateway/static/src/core/sms_gateway.scss",
            "sms_twilio_gateway/static/src/core/notification_model_patch.js",
            "sms_twilio_gateway/static/src/draft/sms_draft_widget.js",
            "sms_twilio_gateway/static/src/draft/sms_draft_widget.xml",
            "sms_twilio_gateway/static/src/core/settings_anchor_patch.js",
            "sms_twilio_gateway/static/src/core/sms_status_patch.js",
            "sms_twilio_gateway/static/src/core/sms_status_patch.xml",
            "sms_twilio_gateway/static/src/inbox/**/*",
        ],
        "web.assets_tests": [
            # tours
            "sms_twilio_gateway/static/tests/tours/sms_gateway_composer_tour.js",
            "sms_twilio_gateway/static/tests/tours/sms_gateway_list_send_tour.js",
            "sms_twilio_gateway/static/tests/tours/sms_gateway_quota_tour.js",
            "sms_twilio_gateway/static/tests/tours/sms_gateway_picker_tour.js",
            "sms_twilio_gateway/static/tests/tours/sms_inbox_tour.js",
            "sms_twilio_gateway/static/tests/tours/sms_gateway_probable_opt_out_tour.js",
            "sms_twilio_gateway/static/tests/tours/sms_gateway_draft_tour.js",
            "sms_twilio_gateway/static/tests/tours/sms_gateway_list_options_tour.js",
        ],
    },
    "demo": ["demo/sms_twilio_gateway_demo.xml"],
    "post_init_hook": "post_init_hook",
    "installable": True,
    "application": False,
}
