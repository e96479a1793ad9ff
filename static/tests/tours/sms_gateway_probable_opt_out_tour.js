// Part of sms_twilio_gateway. License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import { registry } from "@web/core/registry";

/**
 * An SMS manager reviews a reply that reads as an opt-out and confirms it.
 * Started on SMS > Probable Opt-outs by tests/test_probable_opt_out.py.
 */
registry.category("web_tour.tours").add("sms_gateway_probable_opt_out_tour", {
    steps: () => [
        {
            content: "The reply waits for review, with the days left",
            trigger:
                ".o_list_view .o_data_row:contains(please stop texting me)" +
                " .o_data_cell[name=days_left]:contains(10)",
        },
        {
            content: "Opt the number out",
            trigger: ".o_list_view .o_data_row button[name=action_confirm]",
            run: "click",
        },
        {
            content: "Decided: it leaves the list of replies to review",
            trigger: ".o_list_view:not(:has(.o_data_row button[name=action_confirm]))",
        },
    ],
});
