// Part of sms_twilio_gateway. License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import { registry } from "@web/core/registry";

/**
 * An SMS manager (with Odoo's Settings access) lowers the monthly quota in
 * Settings (started on the gateway's settings by tests/test_ui.py)...
 */
registry.category("web_tour.tours").add("sms_gateway_quota_settings_tour", {
    steps: () => [
        {
            content: "Lower the monthly quota",
            trigger: ".o_field_widget[name=sms_monthly_quota] input",
            run: "edit 1",
        },
        {
            content: "No overage allowed",
            trigger: ".o_field_widget[name=sms_overage_cap] input",
            run: "edit 0",
        },
        {
            content: "Save (the settings reload)",
            trigger: ".o_form_button_save:enabled",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "Saved",
            trigger: ".o_field_widget[name=sms_monthly_quota] input",
        },
    ],
});

/**
 * ... and the next SMS cannot be sent: the reason shows, Send is disabled.
 */
registry.category("web_tour.tours").add("sms_gateway_quota_refused_tour", {
    steps: () => [
        {
            trigger: ".o_form_view button[name=action_gateway_send_sms]",
            run: "click",
        },
        {
            trigger: ".modal .o_sms_gateway_body textarea",
            run: "edit One more message",
        },
        {
            content: "The composer warns before sending",
            trigger: ".modal .o_sms_gateway_warning:contains(quota and overage cap reached)",
        },
        {
            content: "Send is disabled: the gateway would refuse it",
            trigger: ".modal .modal-footer button[name=action_send_sms]:disabled:visible",
        },
        {
            trigger: ".modal .modal-footer button.btn-secondary:contains(Discard)",
            run: "click",
        },
        {
            trigger: "body:not(:has(.modal))",
        },
    ],
});
