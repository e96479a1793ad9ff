// Part of sms_twilio_gateway. License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import { registry } from "@web/core/registry";

const DRAFT = "Hi Paula, your order is ready for pickup tomorrow.";

/**
 * A plain employee drafts an SMS from a short prompt (a stand-in provider
 * answers), sees it counted like typed text, and sends it. Started on the
 * contact's form by tests/test_ai_draft.py.
 */
registry.category("web_tour.tours").add("sms_gateway_draft_tour", {
    steps: () => [
        {
            content: "Open the composer",
            trigger: ".o_form_view button[name=action_gateway_send_sms]",
            run: "click",
        },
        {
            content: "Describe the SMS",
            trigger: ".modal .o_sms_gateway_draft input.o_sms_gateway_draft_prompt",
            run: "edit order ready tomorrow",
        },
        {
            content: "Draft",
            trigger: ".modal .o_sms_gateway_draft_button:enabled",
            run: "click",
        },
        {
            content: "The draft is in the message",
            trigger: `.modal .o_sms_gateway_body textarea:value(${DRAFT})`,
        },
        {
            content: "and counted like typed text",
            trigger: ".modal .o_sms_gateway_segments:contains(1 segment)",
        },
        {
            content: "Send",
            trigger: ".modal .modal-footer button[name=action_send_sms]:enabled",
            run: "click",
        },
        {
            content: "Sent",
            trigger: ".o_notification:contains(Sent to Paula Partner)",
        },
    ],
});
