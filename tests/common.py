# Part of sms_twilio_gateway. License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Twilio fixtures: a real simulator on loopback, reached through the real SDK.

Nothing is mocked between the addon and the HTTP wire: tests observe what the
simulator received.
"""

from contextlib import ExitStack, contextmanager
from unittest.mock import patch

from odoo import SUPERUSER_ID, api
from odoo.tests import HttpCase, TransactionCase, new_test_user
from odoo.tests.test_cursor import TestCursor

from ..tools.twilio_simulator import (
    Simulator,
    SimulatorServer,
)

BE_SENDER = "+3228080000"
US_SENDER = "+15005550006"


class GatewayMixin:
    """Company on Twilio with the gateway on, in sandbox against a simulator."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sim = Simulator(auto_progress=False)
        cls.sim_server = SimulatorServer(simulator=cls.sim).start()
        cls.addClassCleanup(cls.sim_server.stop)
        cls.company = cls.env.ref("base.main_company")
        be, us = cls.env.ref("base.be"), cls.env.ref("base.us")
        cls.company._gateway_use_sandbox(
            cls.sim_server.url, numbers=[(BE_SENDER, be), (US_SENDER, us)]
        )
        cls.company.write(
            {
                "country_id": be.id,
                "sms_quiet_hours_enabled": False,
                "sms_lookup_policy": "off",
            }
        )
        cls.user_sms = new_test_user(
            cls.env,
            login="sms_user",
            groups="base.group_user,base.group_partner_manager",
            name="Sam SMS",
            email="sam@example.com",
            notification_type="inbox",
        )
        cls.user_marketing = new_test_user(
            cls.env,
            login="sms_marketing",
            groups="base.group_user,sms_twilio_gateway.group_sms_marketing,"
            "mass_mailing.group_mass_mailing_user",
            name="Mia Marketing",
        )
        cls.user_manager = new_test_user(
            cls.env,
            login="sms_manager",
            groups="base.group_system,sms_twilio_gateway.group_sms_manager",
            name="Max Manager",
        )
        cls.partner = cls.env["res.partner"].create(
            {
                "name": "Paula Partner",
                "phone": "+32470123456",
                "country_id": cls.env.ref("base.be").id,
            }
        )

    def setUp(self):
        super().setUp()
        self.sim.reset()

    # commits, as in production ---------------------------------------------

    @contextmanager
    def _cursors_on_test_transaction(self):
        """New cursors opened by the product share the test's transaction."""
        with ExitStack() as stack:
            if not type(self)._registry_patched:
                stack.enter_context(self.enter_registry_test_mode())
            else:
                self.env.flush_all()
            yield
        self.env.invalidate_all()

    def commit(self):
        """The test's transaction "commits": its post-commit hooks run.

        The product dispatches after the sender's commit, as a trusted step in
        its own cursor; this runs exactly that, the production hooks.
        """
        with self._cursors_on_test_transaction():
            self.env.cr.flush()
            self.env.cr.postcommit.run()

    def run_cron(self, xmlid):
        """Run a cron as Odoo's cron worker does: its own cursor, its user."""
        with self._cursors_on_test_transaction(), self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            cron = env.ref(xmlid)
            cron.with_user(cron.user_id).ir_actions_server_id.run()
            # The cron worker commits; under test this commit is a savepoint.
            cr.commit()  # pylint: disable=invalid-commit

    def run_queue(self):
        """The SMS queue cron, woken."""
        self.run_cron("sms.ir_cron_sms_scheduler_action")

    # helpers ---------------------------------------------------------------

    def sim_messages(self, to=None):
        """What the addon sent to the simulator (its API calls), oldest first."""
        return self.sim.list_messages(to=to, direction="outbound-api")

    def send_to_partner(self, partner, body, user=None):
        """The user sends from the partner's chatter (composer, comment mode)."""
        env = self.env(user=user or self.user_sms)
        composer = (
            env["sms.composer"]
            .with_context(active_model="res.partner", active_id=partner.id)
            .create({"body": body})
        )
        return composer._action_send_sms()

    def last_log(self, number):
        return self.env["sms.log"].search(
            [("number", "=", number), ("direction", "=", "outbound")],
            order="id desc",
            limit=1,
        )


class GatewayCase(GatewayMixin, TransactionCase):
    pass


def _commit_running_postcommit(cr):
    """A TestCursor commit that runs its post-commit hooks, as a real one does.

    Odoo's TestCursor drops post-commit hooks; the product dispatches SMS in
    them, so a test request would otherwise never reach Twilio.
    """
    hooks = cr.postcommit
    cr.postcommit = type(hooks)()
    try:
        _ORIGINAL_TEST_COMMIT(cr)
    finally:
        cr.postcommit = hooks
    hooks.run()


_ORIGINAL_TEST_COMMIT = TestCursor.commit


class GatewayHttpCase(GatewayMixin, HttpCase):
    def setUp(self):
        super().setUp()
        patcher = patch.object(TestCursor, "commit", _commit_running_postcommit)
        patcher.start()
        self.addCleanup(patcher.stop)
        self.env["ir.config_parameter"].sudo().set_param(
            "web.base.url", self.base_url()
        )

    def tearDown(self):
        # Callbacks still on their way must not reach the next test.
        self.sim.configure(auto_progress=False)
        with self.allow_requests(all_requests=True):
            self.sim.wait_callbacks(10)
        super().tearDown()

    def sim_advance(self, sid, steps=1):
        """Move a message on; its signed callbacks reach the test server."""
        # The simulator posts like Twilio, without the test cookie, from its
        # own thread: let the server take the test cursor meanwhile.
        self.env.flush_all()
        with self.allow_requests(all_requests=True):
            self.sim.advance(sid, steps=steps)
            self.assertTrue(self.sim.wait_callbacks(10), "callbacks delivered")
        self.env.invalidate_all()

    def sim_inject(self, from_, to, body, media_urls=()):
        """An inbound SMS posted by the simulator, signed like Twilio."""
        self.env.flush_all()
        with self.allow_requests(all_requests=True):
            result = self.sim.inject_inbound(
                from_,
                to,
                body,
                media_urls=media_urls,
                url=self.base_url() + "/sms_twilio_gateway/inbound",
            )
        self.env.invalidate_all()
        return result
