// Part of sms_twilio_gateway. License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import { registry } from "@web/core/registry";

const REPLY = "Yes, ready today.";

/**
 * An employee answers Paula from SMS > Conversations: Enter sends, the status
 * turns delivered live, and Paula's answer appears in the open thread.
 * Started by tests/test_inbox_ui.py (the simulator delivers and answers).
 */
registry.category("web_tour.tours").add("sms_inbox_reply_tour", {
    steps: () => [
        {
            content: "Paula's thread, one unread message",
            trigger: ".o_sms_inbox_thread:contains(Paula Partner) .o_sms_inbox_unread:contains(1)",
        },
        {
            content: "Open it",
            trigger: ".o_sms_inbox_thread:contains(Paula Partner)",
            run: "click",
        },
        {
            content: "Her question is there",
            trigger: ".o_sms_inbox_in:contains(Is my order ready?)",
        },
        {
            content: "Write the answer",
            trigger: ".o_sms_inbox_compose",
            run: `edit ${REPLY}`,
        },
        {
            content: "The live counter, as in the composer",
            trigger:
                ".o_sms_inbox_characters:contains(17 / 1,530)" +
                ":has(~ .o_sms_inbox_segments:contains(1 segment))" +
                ":has(~ .o_sms_inbox_encoding:contains(GSM-7))",
        },
        {
            content: "Enter sends",
            trigger: ".o_sms_inbox_compose",
            run: "press Enter",
        },
        {
            content: "The message is in the thread",
            trigger: `.o_sms_inbox_out:contains(${REPLY})`,
        },
        {
            content: "The thread is at the top",
            trigger:
                ".o_sms_inbox_threads > .o_sms_inbox_thread:first-child:contains(Paula Partner)",
        },
        {
            content: "Twilio reports it delivered: the status follows, live",
            trigger: `.o_sms_inbox_out:contains(${REPLY}) .o_sms_inbox_status_delivered`,
            timeout: 20000,
        },
        {
            content: "Paula answers: her text appears in the open thread",
            trigger: ".o_sms_inbox_in:contains(Great, thanks!)",
            timeout: 20000,
        },
    ],
});

/**
 * New conversation from two letters (the opted-out left out), an opted-out
 * thread's notice instead of the compose box, a landline found on first open.
 */
registry.category("web_tour.tours").add("sms_inbox_notices_tour", {
    steps: () => [
        {
            content: "New conversation",
            trigger: ".o_sms_inbox_new",
            run: "click",
        },
        {
            content: "One letter",
            trigger: ".o_sms_inbox_people_search",
            run: "edit O",
        },
        {
            content: "Nothing yet",
            trigger: ".o_sms_inbox_new_panel:not(:has(.o_sms_inbox_person))",
        },
        {
            content: "Two letters",
            trigger: ".o_sms_inbox_people_search",
            run: "edit Ol",
        },
        {
            content: "Olivia is listed, and why someone was left out",
            trigger:
                ".o_sms_inbox_new_panel:has(.o_sms_inbox_person:contains(Olivia Open))" +
                ":has(.o_sms_inbox_left_out:contains(1))",
        },
        {
            content: "Olaf opted out: not listed",
            trigger: ".o_sms_inbox_new_panel:not(:has(.o_sms_inbox_person:contains(Olaf)))",
        },
        {
            content: "Start with Olivia",
            trigger: ".o_sms_inbox_person:contains(Olivia Open)",
            run: "click",
        },
        {
            content: "Her thread, ready to write",
            trigger: ".o_sms_inbox_title:contains(Olivia Open)",
        },
        {
            trigger: ".o_sms_inbox_compose",
        },
        {
            content: "Open Olaf's thread",
            trigger: ".o_sms_inbox_thread:contains(Olaf Optout)",
            run: "click",
        },
        {
            content: "The opt-out notice replaces the compose box",
            trigger:
                ".o_sms_inbox_main:not(:has(.o_sms_inbox_compose)) .o_sms_inbox_notice" +
                ":contains(This contact has opted out of SMS. You can't send messages " +
                "until they text START to opt back in.)",
        },
        {
            content: "Open the front desk's thread (never looked up)",
            trigger: ".o_sms_inbox_thread:contains(Front Desk)",
            run: "click",
        },
        {
            content: "Looked up on first open: a landline, in yellow",
            trigger:
                ".o_sms_inbox_main:not(:has(.o_sms_inbox_compose)) " +
                ".o_sms_inbox_notice.alert-warning" +
                ":contains(This number is a landline and can't receive SMS messages)",
        },
    ],
});

/**
 * On a contact: Paula's reply appears live in the open chatter with the SMS
 * icon, "Reply" opens the SMS composer to her number, and the notification
 * opens her conversation in the inbox.
 */
registry.category("web_tour.tours").add("sms_inbox_chatter_tour", {
    steps: () => [
        {
            content: "The SMS sent to Paula is in her chatter",
            trigger: ".o-mail-Message:contains(Your order is ready)",
        },
        {
            content: "Log a note while waiting (the test answers as Paula after it)",
            trigger: ".o-mail-Chatter-topbar button.o-mail-Chatter-logNote",
            run: "click",
        },
        {
            trigger: ".o-mail-Composer-input",
            run: "edit Waiting for Paula",
        },
        {
            trigger: ".o-mail-Composer-send:enabled",
            run: "click",
        },
        {
            content: "Her answer appears without reloading, as an SMS",
            trigger:
                ".o-mail-Message:contains(On my way) .o-mail-Message-notification .fa-mobile",
            timeout: 20000,
        },
        {
            content: "Reply to it",
            trigger: ".o-mail-Message:contains(On my way)",
            run: "hover && click .o-mail-Message:contains(On my way) [name=sms-gateway-reply]",
        },
        {
            content: "The SMS composer, to her number",
            trigger: ".modal .o_sms_gateway_body textarea",
        },
        {
            content: "To the number the SMS came from",
            trigger: ".modal [name=recipient_single_number_itf] input",
            run() {
                if (this.anchor.value.replace(/\s/g, "") !== "+32470123456") {
                    throw new Error(`The composer texts ${this.anchor.value}`);
                }
            },
        },
        {
            trigger: ".modal .btn-close",
            run: "click",
        },
        {
            trigger: "body:not(:has(.modal))",
        },
        {
            content: "Log another note, then leave (Paula texts again meanwhile)",
            trigger: ".o-mail-Chatter-topbar button.o-mail-Chatter-logNote",
            run: "click",
        },
        {
            trigger: ".o-mail-Composer-input",
            run: "edit Leaving Paula",
        },
        {
            trigger: ".o-mail-Composer-send:enabled",
            run: "click",
        },
        {
            trigger: ".o-mail-Message:contains(Leaving Paula)",
        },
        {
            trigger: ".o_main_navbar .o_menu_toggle, .o_navbar_apps_menu button",
            run: "click",
        },
        {
            content: "Her new SMS is notified",
            trigger: ".o_menu_systray .o-mail-MessagingMenu-counter",
            timeout: 20000,
        },
        {
            content: "Open the notifications",
            trigger: ".o_menu_systray i[aria-label=Messages]",
            run: "click",
        },
        {
            content: "Paula's SMS notification opens her conversation",
            trigger: ".o-mail-NotificationItem:contains(Paula Partner):contains(Parked outside)",
            run: "click",
        },
        {
            trigger: ".o_sms_inbox_title:contains(Paula Partner)",
        },
        {
            trigger: ".o_sms_inbox_in:contains(Parked outside)",
        },
    ],
});
