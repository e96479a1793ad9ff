// Part of sms_twilio_gateway. License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import { Chatter } from "@mail/chatter/web_portal/chatter";
import { messageActionsRegistry } from "@mail/core/common/message_actions";
import { Notification } from "@mail/core/common/notification_model";
import { MessagingMenu } from "@mail/core/public_web/messaging_menu";
import { onWillUnmount, toRaw } from "@odoo/owl";
import { _t } from "@web/core/l10n/translation";
import { useService } from "@web/core/utils/hooks";
import { patch } from "@web/core/utils/patch";

/** An open chatter shows an SMS received on its record at once. */
patch(Chatter.prototype, {
    setup() {
        super.setup(...arguments);
        const bus = useService("bus_service");
        const onSms = ({ model, res_id }) => {
            const thread = this.state.thread;
            if (thread && thread.model === model && thread.id === res_id) {
                thread.fetchNewMessages();
            }
        };
        bus.subscribe("sms_twilio_gateway/chatter", onSms);
        onWillUnmount(() => bus.unsubscribe("sms_twilio_gateway/chatter", onSms));
    },
});

/** "Reply" on a received SMS answers by SMS, to the number it came from. */
const replyTo = messageActionsRegistry.get("reply-to");
const replyToCondition = replyTo.condition;
replyTo.condition = (args) =>
    !toRaw(args.message).sms_gateway_number && replyToCondition(args);

messageActionsRegistry.add("sms-gateway-reply", {
    condition: ({ message, thread }) =>
        Boolean(toRaw(message).sms_gateway_number) &&
        thread?.model !== "mail.box" &&
        thread?.model !== "discuss.channel",
    icon: "fa fa-reply",
    name: _t("Reply"),
    onSelected: ({ message: msg, owner, thread: thr }) => {
        const message = toRaw(msg);
        const thread = toRaw(thr);
        owner.env.services.action.doAction(
            {
                type: "ir.actions.act_window",
                name: _t("Send SMS"),
                res_model: "sms.composer",
                views: [[false, "form"]],
                target: "new",
                context: {
                    default_res_model: thread.model,
                    default_res_id: thread.id,
                    default_composition_mode: "comment",
                    default_recipient_single_number_itf: message.sms_gateway_number,
                    dialog_size: "medium",
                },
            },
            { onClose: () => thread.fetchNewMessages() }
        );
    },
    sequence: 20,
});

/** The notification of a received SMS opens its conversation in the inbox. */
patch(MessagingMenu.prototype, {
    onClickThread(isMarkAsRead, thread, message) {
        const number = message && toRaw(message).sms_gateway_number;
        if (isMarkAsRead || !number) {
            return super.onClickThread(...arguments);
        }
        this.markAsRead(thread);
        this.env.services.action.doAction({
            type: "ir.actions.client",
            tag: "sms_twilio_gateway.inbox",
            params: { number },
        });
        this.dropdown.close();
    },
});

/** A received SMS notified to its user shows the SMS icon, not an e-mail's. */
patch(Notification.prototype, {
    get icon() {
        if (this.mail_message_id?.sms_gateway_number) {
            return "fa fa-mobile";
        }
        return super.icon;
    },
    get label() {
        if (this.mail_message_id?.sms_gateway_number) {
            return _t("SMS");
        }
        return super.label;
    },
});
