// Part of sms_twilio_gateway. License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import { Notification } from "@mail/core/common/notification_model";
import { _t } from "@web/core/l10n/translation";
import { patch } from "@web/core/utils/patch";

/**
 * Labels of the gateway's failure types, shown in the chatter: the same words
 * as sms.gateway._labels (tools/tests/test_labels.py keeps them equal).
 */
function gatewayFailureLabel(failureType) {
    switch (failureType) {
        case "sms_blacklist":
            return _t("Opted out");
        case "sms_duplicate":
            return _t("Duplicate number");
        case "sms_dnc":
            return _t("Do not text");
        case "sms_blocked":
            return _t("Blocked number");
        case "sms_landline":
            return _t("Landline");
        case "sms_too_long":
            return _t("Too long");
        case "sms_rate_limit":
            return _t("Rate limit");
        case "sms_quota":
            return _t("Quota reached");
        case "sms_country":
            return _t("Country not allowed");
        case "sms_daily_cap":
            return _t("Daily cap reached");
        case "sms_review":
            return _t("Fate unknown (review)");
    }
    return "";
}

patch(Notification.prototype, {
    get failureMessage() {
        const label =
            this.notification_type === "sms" && gatewayFailureLabel(this.failure_type);
        if (!label) {
            return super.failureMessage;
        }
        // The gateway's reason says what to do about it.
        return this.failure_reason ? `${label}: ${this.failure_reason}` : label;
    },
});
