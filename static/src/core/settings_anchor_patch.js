// Part of sms_twilio_gateway. License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import { onMounted } from "@odoo/owl";
import { patch } from "@web/core/utils/patch";
import { SettingsFormController } from "@web/webclient/settings_form_view/settings_form_controller";

/**
 * An action opening Settings with `settings_anchor` in its context (SMS >
 * Configuration > Settings) shows that block first, not the top of the page.
 */
patch(SettingsFormController.prototype, {
    setup() {
        super.setup(...arguments);
        onMounted(() => {
            const anchor = this.props.context.settings_anchor;
            const element = anchor && document.getElementById(anchor);
            if (element) {
                element.scrollIntoView({ block: "start" });
            }
        });
    },
});
