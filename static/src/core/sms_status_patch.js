// Part of sms_twilio_gateway. License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import { Message } from "@mail/core/common/message_model";
import { _t } from "@web/core/l10n/translation";
import { deserializeDateTime, formatDateTime } from "@web/core/l10n/dates";
import { patch } from "@web/core/utils/patch";

/** Words and colours of an SMS notification's status, as the chatter shows it. */
function smsStatus(notification) {
    switch (notification.notification_status) {
        case "ready":
            return { key: "queued", label: _t("Queued"), tone: "text-bg-light" };
        case "process":
            return { key: "sending", label: _t("Sending"), tone: "text-bg-info" };
        case "pending":
            return { key: "sent", label: _t("Sent"), tone: "text-bg-info" };
        case "sent":
            return { key: "delivered", label: _t("Delivered"), tone: "text-bg-success" };
        case "bounce":
        case "exception":
            return { key: "failed", label: _t("Not sent"), tone: "text-bg-danger" };
        case "canceled":
            return { key: "canceled", label: _t("Cancelled"), tone: "text-bg-secondary" };
    }
    return null;
}

patch(Message.prototype, {
    /**
     * The delivery status of this message's SMS, in plain words: one badge,
     * "2 delivered, 1 not sent" when they differ, "Scheduled for ..." while an
     * SMS waits for its time.
     */
    get gatewaySmsStatus() {
        const notifications = this.notification_ids.filter(
            (n) => n.notification_type === "sms"
        );
        if (!notifications.length) {
            return null;
        }
        const scheduled = notifications
            .map((n) => n.sms_gateway_scheduled_at)
            .filter(Boolean)
            .sort()[0];
        if (scheduled) {
            return {
                label: _t("Scheduled for %(when)s", {
                    when: formatDateTime(deserializeDateTime(scheduled)),
                }),
                tone: "text-bg-warning",
                scheduled: true,
            };
        }
        const counts = new Map();
        for (const notification of notifications) {
            const status = smsStatus(notification);
            if (status) {
                const seen = counts.get(status.key) || { ...status, count: 0 };
                seen.count++;
                counts.set(status.key, seen);
            }
        }
        const statuses = [...counts.values()];
        if (!statuses.length) {
            return null;
        }
        if (statuses.length === 1) {
            return statuses[0];
        }
        const worst = statuses.find((s) => s.key === "failed") || statuses[0];
        return {
            label: statuses.map((s) => `${s.count} ${s.label}`).join(", "),
            tone: worst.tone,
        };
    },

    async gatewayCancelScheduledSms() {
        await this.store.env.services.orm.call(
            "mail.message",
            "action_gateway_cancel_scheduled_sms",
            [[this.id]]
        );
        this.store.env.services.notification.add(_t("The scheduled SMS is cancelled."), {
            type: "info",
        });
    },
});
