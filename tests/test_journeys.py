# Part of sms_twilio_gateway. License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Each role's journey over HTTP, as the web client drives it, with real commits.

Every call is the JSON-RPC the browser sends (button, form defaults, edits,
save, action), authenticated as the least-privileged user who does the thing.
Each request commits: the SMS leaves in the post-commit dispatch, exactly as
in production, and the tests observe what the Twilio simulator received.
"""

import ast

from odoo import Command
from odoo.tests import tagged

from .common import GatewayHttpCase

QUOTA_REASON = "Monthly SMS quota and overage cap reached"


class WebClientMixin:
    """The web client's calls, as ``web/static/src`` makes them."""

    def call_kw(self, model, method, args, kwargs=None, route="call_kw"):
        return self.make_jsonrpc_request(
            f"/web/dataset/{route}/{model}/{method}",
            {"model": model, "method": method, "args": args, "kwargs": kwargs or {}},
        )

    def user_context(self, user):
        return {
            "lang": user.lang or "en_US",
            "tz": user.tz or "UTC",
            "uid": user.id,
            "allowed_company_ids": [user.company_id.id],
        }

    def click_object_button(self, user, record, method):
        """A ``type="object"`` button; returns the action and its context."""
        context = self.user_context(user)
        action = self.call_kw(
            record._name,
            method,
            [[record.id]],
            {"context": context},
            route="call_button",
        )
        # The client adds the record as active one, under the action's context.
        action_context = action.get("context") or {}
        if isinstance(action_context, str):
            action_context = ast.literal_eval(action_context)
        action["context"] = dict(
            context,
            active_model=record._name,
            active_id=record.id,
            active_ids=[record.id],
            **action_context,
        )
        return action

    def load_action(self, user, xmlid):
        """A menu's window action, loaded as the client loads it."""
        action = self.make_jsonrpc_request("/web/action/load", {"action_id": xmlid})
        action["context"] = dict(
            self.user_context(user), **ast.literal_eval(action.get("context") or "{}")
        )
        return action


class FormDialog:
    """A form opened by the web client: view, defaults, edits, save, buttons."""

    def __init__(self, case, model, context, view_id=False):
        self.case, self.model, self.context = case, model, context
        views = case.call_kw(
            model,
            "get_views",
            [],
            {"views": [[view_id, "form"]], "options": {}, "context": context},
        )
        self.fields = views["models"][model]["fields"]
        self.spec = {name: {} for name in self.fields}
        self.values = case.call_kw(
            model, "onchange", [[], {}, [], self.spec], {"context": context}
        )["value"]
        self.id = None

    def edit(self, **changes):
        """The user types: one onchange a field, as the client sends them."""
        for name, value in changes.items():
            self.values[name] = value
            result = self.case.call_kw(
                self.model,
                "onchange",
                [[], self._write_values(), [name], self.spec],
                {"context": self.context},
            )
            self.values.update(result.get("value", {}))
        return self.values

    def save(self):
        record = self.case.call_kw(
            self.model,
            "web_save",
            [[], self._write_values()],
            {"context": self.context, "specification": self.spec},
        )[0]
        self.values.update(record)
        self.id = record["id"]
        return record

    def click(self, method):
        """Save, then the button: what a dialog's footer button does."""
        if not self.id:
            self.save()
        return self.case.call_kw(
            self.model,
            method,
            [[self.id]],
            {"context": self.context},
            route="call_button",
        )

    def _write_values(self):
        values = {}
        for name, value in self.values.items():
            field = self.fields.get(name)
            if not field or field.get("readonly") or field["type"] == "one2many":
                continue
            if isinstance(value, dict):  # many2one read as {id, display_name}
                value = value.get("id") or False
            if field["type"] == "many2many":
                value = [Command.set(_x2many_ids(value))]
            values[name] = value
        return values


def _x2many_ids(value):
    """Ids out of an x2many value: plain ids or the commands onchange returns."""
    ids = []
    for item in value or []:
        if isinstance(item, int):
            ids.append(item)
        elif item[0] == Command.SET:
            ids = list(item[2])
        elif item[0] in (Command.LINK, Command.UPDATE):
            ids.append(item[1])
    return ids


@tagged("post_install", "-at_install")
class TestJourneys(WebClientMixin, GatewayHttpCase):
    """A plain employee, a marketing user and a manager, each over HTTP."""

    def open_composer(self, user, record, button="action_gateway_send_sms"):
        action = self.click_object_button(user, record, button)
        self.assertEqual(action["res_model"], "sms.composer")
        return FormDialog(self, "sms.composer", action["context"])

    def chatter_sms(self, record, body):
        """The chatter as the logged-in user loads it: the SMS and its status."""
        result = self.make_jsonrpc_request(
            "/mail/thread/messages",
            {"thread_model": record._name, "thread_id": record.id},
        )
        data = result["data"]
        messages = [
            m
            for m in data["mail.message"]
            if m["message_type"] == "sms" and body in str(m["body"])
        ]
        self.assertEqual(len(messages), 1, "the SMS is once in the chatter")
        notifications = [
            n
            for n in data.get("mail.notification", [])
            if n["mail_message_id"] == messages[0]["id"]
            and n["notification_type"] == "sms"
        ]
        self.assertEqual(len(notifications), 1)
        return messages[0], notifications[0]

    def assert_delivered_as(self, user, record, body, number):
        """Twilio received it once, delivers it; chatter and log say so."""
        sent = self.sim_messages()
        self.assertEqual([(m["to"], m["body"]) for m in sent], [(number, body)])
        self.assertEqual(sent[0]["status"], "queued")
        self.sim_advance(sent[0]["sid"], steps=2)  # sent, then delivered
        message, notification = self.chatter_sms(record, body)
        self.assertEqual(notification["notification_status"], "sent")  # Delivered
        author = self.env["mail.message"].browse(message["id"]).author_id
        self.assertEqual(author, user.partner_id)
        log = self.last_log(number)
        self.assertEqual((log.status, log.user_id), ("delivered", user))
        self.assertEqual(log.body, body)

    # ------------------------------------------------------------------
    # A plain employee texts a contact
    # ------------------------------------------------------------------

    def test_employee_texts_contact_from_its_header(self):
        """Send SMS on the contact, the request commits, Twilio delivers."""
        self.authenticate("sms_user", "sms_user")
        composer = self.open_composer(self.user_sms, self.partner)
        self.assertEqual(composer.values["gateway_recipient_id"], self.partner.id)
        body = "Hello Paula, your order is ready."
        figures = composer.edit(body=body)
        self.assertEqual(figures["gateway_segments_label"], "1 segment")
        self.assertFalse(figures["gateway_warning"])
        result = composer.click("action_send_sms")
        self.assertEqual(result["params"]["type"], "success")
        self.assertIn("Paula Partner", result["params"]["message"])
        self.assert_delivered_as(self.user_sms, self.partner, body, "+32470123456")

    def test_employee_texts_contact_from_its_phone_field(self):
        """The SMS button of the phone field (Odoo's path, no chatter route)."""
        self.authenticate("sms_user", "sms_user")
        # What sms/static/src/components/sms_button/sms_button.js opens.
        context = dict(
            self.user_context(self.user_sms),
            default_res_model="res.partner",
            default_res_id=self.partner.id,
            default_number_field_name="phone",
            default_composition_mode="comment",
        )
        composer = FormDialog(self, "sms.composer", context)
        body = "Your parcel left the warehouse."
        composer.edit(body=body)
        result = composer.click("action_send_sms")
        self.assertEqual(result["params"]["type"], "success")
        self.assert_delivered_as(self.user_sms, self.partner, body, "+32470123456")

    # ------------------------------------------------------------------
    # A marketing user texts a mailing list
    # ------------------------------------------------------------------

    def send_to_list_as_marketing(self):
        """The list's Send SMS, its confirmation, then Odoo's crons send it."""
        contacts = self.env["mailing.contact"].create(
            [
                {"name": "Alice", "mobile": "+32470111111"},
                {"name": "Alice Twin", "mobile": "+32470111111"},
                {"name": "Bruno", "mobile": "+32470222222"},
                {"name": "Front Desk", "mobile": "+3222222222"},
                {"name": "Stopped", "mobile": "+32470333333"},
                {"name": "No Number"},
            ]
        )
        self.env["phone.blacklist"].sudo().add("+32470333333")
        self.env["sms.number"].sudo()._gateway_get(
            ["+3222222222"]
        ).line_type = "landline"
        mlist = self.env["mailing.list"].create(
            {"name": "Journey List", "contact_ids": [Command.set(contacts.ids)]}
        )
        self.authenticate("sms_marketing", "sms_marketing")
        action = self.click_object_button(
            self.user_marketing, mlist, "action_gateway_send_sms"
        )
        wizard = FormDialog(
            self, action["res_model"], action["context"], action["views"][0][0]
        )
        self.assertEqual(_x2many_ids(wizard.values["list_ids"]), mlist.ids)
        figures = wizard.edit(body="Hi {{ object.name }}, sale starts today!")
        self.assertEqual(
            (figures["recipient_count"], figures["sendable_count"]), (6, 2)
        )
        result = wizard.click("action_send")
        self.assertEqual(result["params"]["type"], "success")
        mailing = self.env["mailing.mailing"].browse(result["params"]["next"]["res_id"])
        self.assertEqual(
            (mailing.state, mailing.user_id), ("in_queue", self.user_marketing)
        )
        self.assertEqual(self.sim_messages(), [], "queued, not sent in the request")
        # Odoo's crons, each woken in its own cursor as the cron worker runs them.
        self.run_cron("mass_mailing.ir_cron_mass_mailing_queue")
        self.run_queue()
        return mailing

    def test_marketing_texts_mailing_list(self):
        self.send_to_list_as_marketing()
        sent = self.sim_messages()
        self.assertEqual(
            sorted((m["to"], m["body"]) for m in sent),
            [
                ("+32470111111", "Hi Alice, sale starts today!"),
                ("+32470222222", "Hi Bruno, sale starts today!"),
            ],
            "each reachable number exactly once",
        )

    def test_marketing_mailing_logged_as_its_sender(self):
        """Usage per user counts the mailing's SMS for who sent it, not the cron."""
        mailing = self.send_to_list_as_marketing()
        logs = self.env["sms.log"].search([("mailing_id", "=", mailing.id)])
        self.assertEqual(len(logs.filtered(lambda log: log.status == "queued")), 2)
        self.assertEqual(logs.user_id, self.user_marketing)

    # ------------------------------------------------------------------
    # A manager lowers the quota; the employee's next SMS is refused
    # ------------------------------------------------------------------

    def test_manager_lowers_quota_then_employee_refused(self):
        # Odoo's Settings need "Administration: Settings" (access to
        # res.config.settings, and execute() checks it): no lesser role can.
        self.authenticate("sms_manager", "sms_manager")
        action = self.load_action(
            self.user_manager, "sms_twilio_gateway.sms_gateway_settings_action"
        )
        settings = FormDialog(self, "res.config.settings", action["context"])
        settings.edit(sms_monthly_quota=1)
        settings.edit(sms_overage_cap=0)
        result = settings.click("execute")
        self.assertEqual(result["tag"], "reload")
        self.assertEqual(
            (self.company.sms_monthly_quota, self.company.sms_overage_cap), (1, 0)
        )

        self.authenticate("sms_user", "sms_user")
        first = "Within the quota."
        composer = self.open_composer(self.user_sms, self.partner)
        composer.edit(body=first)
        composer.click("action_send_sms")
        self.assert_delivered_as(self.user_sms, self.partner, first, "+32470123456")
        self.sim.reset()

        refused = "One more message"
        composer = self.open_composer(self.user_sms, self.partner)
        figures = composer.edit(body=refused)
        self.assertIn(QUOTA_REASON, figures["gateway_warning"], "warned before")
        result = composer.click("action_send_sms")
        self.assertEqual(
            (result["params"]["type"], result["params"]["title"]),
            ("danger", "SMS not sent"),
        )
        self.assertIn(QUOTA_REASON, result["params"]["message"])
        _message, notification = self.chatter_sms(self.partner, refused)
        self.assertEqual(
            (notification["notification_status"], notification["failure_type"]),
            ("exception", "sms_quota"),
        )
        self.assertIn(QUOTA_REASON, notification["failure_reason"])
        self.assertIn("raise them in Settings", notification["failure_reason"])
        self.assertEqual(self.sim_messages(), [], "nothing reached Twilio")
        log = self.last_log("+32470123456")
        self.assertEqual(
            (log.status, log.failure_type, log.user_id),
            ("blocked", "sms_quota", self.user_sms),
        )
