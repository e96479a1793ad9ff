// Part of sms_twilio_gateway. License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import { registry } from "@web/core/registry";

const NUMBER = ".modal div[name=recipient_single_number_itf] input";

function pick(name) {
    return [
        {
            content: `Choose ${name} in To`,
            trigger: ".modal div[name=gateway_recipient_id] input",
            run: `edit ${name}`,
        },
        {
            trigger: `.o-autocomplete--dropdown-item:contains(${name})`,
            run: "click",
        },
    ];
}

/**
 * A contact with a child contact: choosing the child then the contact again
 * puts the contact's number back, and Send texts the contact (started by
 * tests/test_ui.py, which checks what the simulator received).
 */
registry.category("web_tour.tours").add("sms_gateway_picker_tour", {
    steps: () => [
        {
            trigger: ".o_form_view button[name=action_gateway_send_sms]",
            run: "click",
        },
        {
            content: "The contact and its number",
            trigger: `${NUMBER}:value(+32470600001)`,
        },
        ...pick("Charles Tour"),
        {
            content: "The child's number follows",
            trigger: `${NUMBER}:value(+32470600002)`,
        },
        ...pick("Ada Tour"),
        {
            content: "The contact's number is back",
            trigger: `${NUMBER}:value(+32470600001)`,
        },
        {
            trigger: ".modal .o_sms_gateway_body textarea",
            run: "edit For Ada only",
        },
        {
            trigger: ".modal .o_sms_gateway_segments:contains(1 segment)",
        },
        {
            trigger: ".modal .modal-footer button[name=action_send_sms]:enabled",
            run: "click",
        },
        {
            content: "The notification names the person texted",
            trigger: ".o_notification:contains(Sent to Ada Tour)",
        },
        {
            trigger: "body:not(:has(.modal))",
        },
    ],
});

/** An opted-out contact: shown with the reason, and Send is disabled. */
registry.category("web_tour.tours").add("sms_gateway_opted_out_tour", {
    steps: () => [
        {
            trigger: ".o_form_view button[name=action_gateway_send_sms]",
            run: "click",
        },
        {
            content: "The contact itself, not a child in its place",
            trigger: ".modal div[name=gateway_recipient_id] input:value(Paula Partner)",
        },
        {
            trigger: ".modal .o_sms_gateway_body textarea",
            run: "edit Hello",
        },
        {
            content: "Why it cannot be sent",
            trigger: ".modal .o_sms_gateway_warning:contains(opted out)",
        },
        {
            content: "Send is disabled",
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
