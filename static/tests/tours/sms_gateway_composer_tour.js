// Part of sms_twilio_gateway. License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import { rpc } from "@web/core/network/rpc";
import { registry } from "@web/core/registry";

const BODY = "Hello Paula, your order is ready.";

/** Wait until Twilio (the simulator) reported the SMS delivered. */
async function waitDelivered() {
    for (let attempt = 0; attempt < 50; attempt++) {
        const count = await rpc("/web/dataset/call_kw/sms.log/search_count", {
            model: "sms.log",
            method: "search_count",
            args: [[["body", "=", BODY], ["status", "=", "delivered"]]],
            kwargs: {},
        });
        if (count) {
            return;
        }
        await new Promise((resolve) => setTimeout(resolve, 200));
    }
    throw new Error("The SMS was not reported delivered.");
}

/**
 * A user texts a contact: Send SMS, live figures, send, and the message with
 * its delivery status in the chatter. Started on the contact's form by
 * tests/test_ui.py (the simulator delivers the SMS on its own).
 */
registry.category("web_tour.tours").add("sms_gateway_composer_tour", {
    steps: () => [
        {
            content: "Open the composer from the contact's header",
            trigger: ".o_form_view button[name=action_gateway_send_sms]",
            run: "click",
        },
        {
            content: "Type a message with a character that forces Unicode",
            trigger: ".modal .o_sms_gateway_body textarea",
            run: "edit It’s ready",
        },
        {
            content: "The figures follow: characters, segments, encoding and why",
            trigger:
                ".modal .o_sms_gateway_characters:contains(10 / 670 characters)" +
                ":has(~ .o_sms_gateway_encoding:contains(UCS-2):contains(’))",
        },
        {
            content: "Quota and cost are shown",
            trigger:
                ".modal .o_sms_gateway_quota:contains(Quota left this month)" +
                ":contains(2,000)",
        },
        {
            content: "Type the real message",
            trigger: ".modal .o_sms_gateway_body textarea",
            run: `edit ${BODY}`,
        },
        {
            content: "GSM-7 again, one segment",
            trigger:
                ".modal .o_sms_gateway_segments:contains(1 segment)" +
                ":has(~ .o_sms_gateway_encoding:contains(GSM-7))",
        },
        {
            trigger: ".modal:not(:has(.o_sms_gateway_warning:visible))",
        },
        {
            content: "Send",
            trigger: ".modal .modal-footer button[name=action_send_sms]:enabled",
            run: "click",
        },
        {
            content: "A notification confirms it",
            trigger: ".o_notification:contains(Sent to Paula Partner)",
        },
        {
            trigger: "body:not(:has(.modal))",
        },
        {
            content: "The SMS is in the chatter",
            trigger: `.o-mail-Message:contains(${BODY})`,
        },
        {
            content: "Twilio reports it delivered: reload to see it",
            trigger: `.o-mail-Message:contains(${BODY})`,
            async run() {
                await waitDelivered();
                window.location.reload();
            },
            expectUnloadPage: true,
        },
        {
            content: "Delivered, in plain words, without a click",
            trigger:
                `.o-mail-Message:contains(${BODY}) .o_sms_gateway_status:contains(Delivered)`,
        },
    ],
});
