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
 * ... and the next SMS is refused, with the reason shown to the user.
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
            trigger: ".modal .modal-footer button[name=action_send_sms]:enabled",
            run: "click",
        },
        {
            content: "The refusal and its reason",
            trigger:
                ".o_notification:contains(SMS not sent)" +
                ":contains(quota and overage cap reached)",
        },
        {
            trigger: "body:not(:has(.modal))",
        },
        {
            content: "The chatter shows the failed SMS",
            trigger:
                ".o-mail-Message:contains(One more message)" +
                " .o-mail-Message-notification.text-danger",
            run: "click",
        },
        {
            content: "with the reason and what to do",
            trigger:
                ".o-mail-MessageNotificationPopover:contains(Quota Exceeded)" +
                ":contains(raise them in Settings)",
        },
    ],
});
