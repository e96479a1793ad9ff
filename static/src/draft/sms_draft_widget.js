// Part of sms_twilio_gateway. License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import { Component, useState } from "@odoo/owl";
import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";
import { standardWidgetProps } from "@web/views/widgets/standard_widget_props";

/**
 * "Draft" in the SMS composer: a short prompt, the company's AI provider
 * writes the text into the body. Nothing is saved first (the body may still
 * be empty); on failure the server's message is shown and the body is left
 * as it was.
 */
export class SmsDraftWidget extends Component {
    static template = "sms_twilio_gateway.SmsDraftWidget";
    static props = { ...standardWidgetProps, field: { type: String } };

    setup() {
        this.orm = useService("orm");
        this.state = useState({ prompt: "", busy: false });
        this.placeholder = _t("Describe the SMS, e.g. order ready for pickup tomorrow");
    }

    async draft() {
        if (this.state.busy) {
            return;
        }
        this.state.busy = true;
        try {
            const text = await this.orm.call("sms.ai.draft", "draft_text", [
                this.state.prompt,
            ]);
            await this.props.record.update({ [this.props.field]: text });
        } finally {
            this.state.busy = false;
        }
    }

    onKeydown(ev) {
        if (ev.key === "Enter") {
            ev.preventDefault();
            this.draft();
        }
    }
}

registry.category("view_widgets").add("sms_gateway_draft", {
    component: SmsDraftWidget,
    extractProps: ({ attrs }) => ({ field: attrs.field || "body" }),
});
