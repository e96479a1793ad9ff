// Part of sms_twilio_gateway. License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import { registry } from "@web/core/registry";

/**
 * A marketing user texts a mailing list through the confirmation. Started on
 * the list's form by tests/test_ui.py.
 */
registry.category("web_tour.tours").add("sms_gateway_list_send_tour", {
    steps: () => [
        {
            content: "The list shows its SMS figures",
            trigger: ".o_form_view .o_field_widget[name=sms_count_reachable]:contains(2)",
        },
        {
            content: "Send SMS to the list",
            trigger: ".o_form_view button[name=action_gateway_send_sms]",
            run: "click",
        },
        {
            content: "The confirmation counts recipients and exclusions",
            trigger:
                ".modal .o_sms_list_send_summary:contains(2):contains(of 5 contacts)",
        },
        {
            content: "Why some are excluded",
            trigger:
                ".modal .o_sms_list_exclusions:contains(Landline)" +
                ":contains(Duplicate number)",
        },
        {
            content: "Write the message",
            trigger: ".modal .o_sms_gateway_body textarea",
            run: "edit Hi {{ object.name }}, sale starts today!",
        },
        {
            content: "Segments and cost follow the message",
            trigger: ".modal .o_sms_list_send_summary:contains(2 segments in all)",
        },
        {
            content: "Confirm",
            trigger: ".modal .modal-footer button[name=action_send]:enabled",
            run: "click",
        },
        {
            content: "The SMS mailing is queued",
            trigger: ".o_notification:contains(the SMS are on their way)",
        },
        {
            content: "and opened",
            trigger: ".o_form_view .o_field_widget[name=sms_subject] input",
        },
    ],
});
