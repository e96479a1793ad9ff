# Part of sms_twilio_gateway. License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import threading
import time
import uuid

import psycopg2.errors

from odoo import api, sql_db
from odoo.tests import BaseCase, tagged
from odoo.tests.common import get_db_name

from .common import BE_SENDER

NUMBER = "+32470998877"  # a number no other test uses


@tagged("post_install", "-at_install")
class TestInboundConcurrency(BaseCase):
    """Two deliveries of one Twilio message, in real concurrent transactions.

    The test server runs every request in the test's own transaction, one at
    a time, so two HTTP requests cannot overlap there: the race is played
    with real connections that really commit, as two workers would.
    """

    def setUp(self):
        super().setUp()
        self.db = sql_db.db_connect(get_db_name())
        self.sid = "SM" + uuid.uuid4().hex
        self._cleanup()
        self.addCleanup(self._cleanup)
        # A known number: its facts row exists, as for any customer.
        with self.db.cursor() as cr:
            env = api.Environment(cr, api.SUPERUSER_ID, {})
            env["sms.number"]._gateway_get([NUMBER])
            self.company_id = env.ref("base.main_company").id

    def _cleanup(self):
        with self.db.cursor() as cr:
            cr.execute("DELETE FROM sms_log WHERE twilio_sid = %s", [self.sid])
            cr.execute("DELETE FROM sms_number WHERE number = %s", [NUMBER])

    def receive(self, env):
        return env["sms.inbound"]._receive(
            env["res.company"].browse(self.company_id),
            message_sid=self.sid,
            from_number=NUMBER,
            to_number=BE_SENDER,
            body="HELP",
            media=[],
        )

    def wait_until_blocked(self, pid, thread):
        """Until the backend ``pid`` waits for a lock (or ``thread`` ended)."""
        deadline = time.monotonic() + 30
        with self.db.cursor() as cr:
            while thread.is_alive() and time.monotonic() < deadline:
                cr.execute(
                    "SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s",
                    [pid],
                )
                if cr.fetchone()[0] == "Lock":
                    return True
                cr.rollback()
                time.sleep(0.05)
        return False

    def test_retry_racing_the_first_delivery(self):
        first, second = self.db.cursor(), self.db.cursor()
        self.addCleanup(first.close)
        self.addCleanup(second.close)
        # The second request has read the database (its snapshot is taken)
        # before the first one commits, as a real request has.
        second.execute("SELECT 1")
        second_pid = second.connection.get_backend_pid()
        first_env = api.Environment(first, api.SUPERUSER_ID, {})
        second_env = api.Environment(second, api.SUPERUSER_ID, {})
        answers, errors = [], []

        def second_worker():
            # Like Odoo's request loop: a serialization failure is retried
            # in a new transaction; anything else is the answer.
            for _attempt in range(5):
                try:
                    answers.append(self.receive(second_env))
                    second.commit()
                    return
                except psycopg2.errors.SerializationFailure:
                    second.rollback()
                except Exception as error:  # noqa: BLE001 - the test's verdict
                    second.rollback()
                    errors.append(error)
                    return

        answers.append(self.receive(first_env))
        thread = threading.Thread(target=second_worker)
        thread.start()
        try:
            self.assertTrue(
                self.wait_until_blocked(second_pid, thread),
                "the second delivery waits for the first one",
            )
            first.commit()
        finally:
            thread.join(60)
        self.assertFalse(thread.is_alive())
        self.assertFalse(errors, "both deliveries are answered normally")
        self.assertEqual(len(answers), 2)
        self.assertIn("<Message>", answers[0], "the help reply, once")
        self.assertNotIn("<Message>", answers[1])
        with self.db.cursor() as cr:
            cr.execute("SELECT count(*) FROM sms_log WHERE twilio_sid = %s", [self.sid])
            self.assertEqual(cr.fetchone()[0], 1)
