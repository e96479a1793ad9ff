# Part of sms_twilio_gateway. License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The rate limit and the double-click guard under real concurrent senders.

Two transactions of one user take their snapshots, then both send: without a
guard both count what was sent before either of them (0) and both pass. With
the guard rows the later one conflicts, is retried as Odoo retries a request
after a serialization failure, and counts what the first one sent.
"""

import threading

import psycopg2.errors

from odoo import api, fields, sql_db
from odoo.tests import BaseCase, tagged
from odoo.tests.common import get_db_name
from odoo.tools import mute_logger

PREFIX = "+3247099"  # numbers no other test uses


@tagged("post_install", "-at_install")
class TestGuardConcurrency(BaseCase):
    def setUp(self):
        super().setUp()
        self.db = sql_db.db_connect(get_db_name())
        with self.db.cursor() as cr:
            env = api.Environment(cr, api.SUPERUSER_ID, {})
            company = env.ref("base.main_company")
            self.company_id = company.id
            self.author_id = env.ref("base.user_admin").id
            month = env["sms.usage"]._gateway_month()
            usage = env["sms.usage"]._gateway_locked(company, month)
            saved = (
                usage.id,
                usage.segments,
                company.sms_rate_limit,
                company.sms_lookup_policy,
                company.sms_daily_cap,
                company.sms_quiet_hours_enabled,
            )
            company.write({"sms_rate_limit": 10, "sms_lookup_policy": "off"})
        self.addCleanup(self._cleanup, saved)

    def _cleanup(self, saved):
        usage_id, segments, rate_limit, lookup_policy, daily_cap, quiet = saved
        with self.db.cursor() as cr:
            like = PREFIX + "%"
            cr.execute("DELETE FROM sms_sms WHERE number LIKE %s", [like])
            cr.execute("DELETE FROM sms_log WHERE number LIKE %s", [like])
            cr.execute("DELETE FROM sms_number WHERE number LIKE %s", [like])
            cr.execute("DELETE FROM sms_guard WHERE key LIKE %s", ["%" + like])
            cr.execute(
                "DELETE FROM sms_guard WHERE key = %s",
                [f"rate:{self.company_id}:{self.author_id}"],
            )
            cr.execute(
                "DELETE FROM sms_guard WHERE key = %s", [f"day:{self.company_id}"]
            )
            cr.execute(
                "UPDATE sms_usage SET segments = %s WHERE id = %s", [segments, usage_id]
            )
            env = api.Environment(cr, api.SUPERUSER_ID, {})
            env["res.company"].browse(self.company_id).write(
                {
                    "sms_rate_limit": rate_limit,
                    "sms_lookup_policy": lookup_policy,
                    "sms_daily_cap": daily_cap,
                    "sms_quiet_hours_enabled": quiet,
                }
            )

    def race(self, batches, authors=None):
        """Each batch of (number, body) sent by the same user (else by each of
        ``authors``) in its own transaction, all at once; returns how many of
        them were claimed."""
        authors = authors or [self.author_id] * len(batches)
        barrier = threading.Barrier(len(batches))
        claimed = []
        errors = []

        def sender(env, batch):
            company = env["res.company"].browse(self.company_id)
            first = True
            for _attempt in range(20):
                try:
                    # The snapshot is taken here, before the other one commits.
                    env.cr.execute("SELECT 1")
                    if first:
                        barrier.wait(30)
                        first = False
                    sms = (
                        env["sms.sms"]
                        .sudo()
                        .create(
                            [{"number": number, "body": body} for number, body in batch]
                        )
                    )
                    sms._gateway_send(company)
                    # What a claim counts is the log: no dispatch needed.
                    env.cr.postcommit.clear()
                    env.cr.commit()
                except psycopg2.errors.SerializationFailure:
                    env.cr.rollback()  # Odoo retries the request
                    continue
                except Exception as error:  # noqa: BLE001 - reported below
                    errors.append(error)
                    return
                claimed.append(len(sms.filtered(lambda s: s.state == "process")))
                return

        cursors = [self.db.cursor() for _batch in batches]
        # Environments are made here: the test runner holds the registry lock.
        threads = [
            threading.Thread(
                target=sender, args=(api.Environment(cr, author, {}), batch)
            )
            for cr, batch, author in zip(cursors, batches, authors, strict=True)
        ]
        try:
            with mute_logger("odoo.sql_db"):
                for thread in threads:
                    thread.start()
                for thread in threads:
                    thread.join(120)
                    self.assertFalse(thread.is_alive())
        finally:
            for cr in cursors:
                cr.close()
        self.assertEqual(errors, [])
        self.assertEqual(len(claimed), len(batches), "every sender finished")
        return claimed

    def test_two_requests_never_exceed_the_rate_limit(self):
        batches = [
            [(f"{PREFIX}{i:04d}", "hello") for i in range(8)],
            [(f"{PREFIX}{i:04d}", "hello") for i in range(100, 108)],
        ]
        claimed = self.race(batches)
        self.assertEqual(sum(claimed), 10, f"10 a minute, not {claimed}")
        self.assertEqual(sorted(claimed), [2, 8])

    def test_a_double_click_sends_once(self):
        batches = [[(f"{PREFIX}0500", "Same text")], [(f"{PREFIX}0500", "Same text")]]
        claimed = self.race(batches)
        self.assertEqual(sorted(claimed), [0, 1], "the second click is dropped")
        with self.db.cursor() as cr:
            cr.execute(
                "SELECT state, failure_type FROM sms_sms WHERE number = %s ORDER BY id",
                [f"{PREFIX}0500"],
            )
            states = sorted(cr.fetchall())
        self.assertEqual(states, [("canceled", "sms_duplicate"), ("process", None)])

    def test_two_senders_never_exceed_the_daily_cap(self):
        """A user and an automated sender (no rate limit between them) share
        the company's daily cap: the later one counts what the first sent."""
        with self.db.cursor() as cr:
            env = api.Environment(cr, api.SUPERUSER_ID, {})
            company = env["res.company"].browse(self.company_id)
            company.write({"sms_daily_cap": 10**6, "sms_quiet_hours_enabled": False})
            used = env["sms.gateway"]._daily_used(company, fields.Datetime.now())
            company.sms_daily_cap = used + 10
        batches = [
            [(f"{PREFIX}{i:04d}", "hello") for i in range(200, 208)],
            [(f"{PREFIX}{i:04d}", "hello") for i in range(300, 308)],
        ]
        claimed = self.race(batches, authors=[self.author_id, api.SUPERUSER_ID])
        self.assertEqual(sorted(claimed), [2, 8], f"10 a day, not {claimed}")
