// Part of sms_twilio_gateway. License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import { registry } from "@web/core/registry";

/**
 * A marketing user texts a list from a chosen sender, to the contacts'
 * "Phone" rather than their mobile, with a placeholder from the editor's
 * "Insert Field" picker.
 * Started on the list's form by tests/test_list_send_options.py.
 */
registry.category("web_tour.tours").add("sms_gateway_list_options_tour", {
    steps: () => [
        {
            content: "Send SMS to the list",
            trigger: ".o_form_view button[name=action_gateway_send_sms]",
            run: "click",
        },
        {
            content: "Open the senders",
            trigger: ".modal .o_field_widget[name=sender] .o_select_menu_toggler",
            run: "click",
        },
        {
            content: "Choose the US number",
            trigger: ".o_select_menu_item:contains(+15005550006)",
            run: "click",
        },
        {
            content: "Open the phone fields",
            trigger: ".modal .o_field_widget[name=number_field] .o_select_menu_toggler",
            run: "click",
        },
        {
            content: "Text the contacts' phone rather than their mobile",
            trigger: ".o_select_menu_item:contains(Phone)",
            run: "click",
        },
        {
            content: "Only the contacts with a phone will receive it",
            trigger: ".modal .o_sms_list_send_summary:contains(of 3 contacts)",
        },
        {
            content: "Write the message",
            trigger: ".modal .o_sms_gateway_body textarea",
            run: "edit Hello",
        },
        {
            content: "Insert a placeholder with the picker",
            trigger: ".modal button[title='Insert Field']",
            run: "click",
        },
        {
            content: "The contact's name",
            trigger:
                ".o_model_field_selector_popover_item[data-name=name]" +
                " .o_model_field_selector_popover_item_name",
            run: "click",
        },
        {
            content: "Insert it",
            trigger: ".o_model_field_selector_popover button.btn-primary:contains(Insert)",
            run: "click",
        },
        {
            content: "The placeholder is in the message",
            trigger: ".modal .o_sms_gateway_body textarea:value(/object.name/)",
        },
        {
            content: "When it will be done, at this sender's pace",
            trigger: ".modal .o_sms_list_send_finish:contains(1 segments a second)",
        },
        {
            content: "Confirm",
            trigger: ".modal .modal-footer button[name=action_send]:enabled",
            run: "click",
        },
        {
            content: "The SMS mailing is queued",
            trigger: ".o_notification:contains(the SMS are on their way)",
        },
    ],
});
