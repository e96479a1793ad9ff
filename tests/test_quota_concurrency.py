# Part of sms_twilio_gateway. License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import threading
from datetime import date

import psycopg2.errors

from odoo import api, sql_db
from odoo.tests import BaseCase, tagged
from odoo.tests.common import get_db_name
from odoo.tools import mute_logger


@tagged("post_install", "-at_install")
class TestQuotaConcurrency(BaseCase):
    """Workers reserving quota at the same time, in real transactions."""

    MONTH = date(2099, 1, 1)  # a month no other test touches

    def setUp(self):
        super().setUp()
        # Real connections, outside the test transaction, so that the workers
        # really run side by side and really commit.
        self.db = sql_db.db_connect(get_db_name())
        self._cleanup()
        self.addCleanup(self._cleanup)

    def _cleanup(self):
        with self.db.cursor() as cr:
            cr.execute("DELETE FROM sms_usage WHERE month = %s", [self.MONTH])

    def test_two_workers_never_overspend(self):
        with self.db.cursor() as cr:
            env = api.Environment(cr, api.SUPERUSER_ID, {})
            company = env.ref("base.main_company")
            # 2,000 included + 20 / 0.01 = 2,000 overage: 4,000 segments at most.
            limit = env["sms.usage"].browse()._gateway_allowance(company).total_left
            company_id = company.id
        granted = []
        barrier = threading.Barrier(4)

        def worker(env):
            barrier.wait(30)
            for _batch in range(12):
                # A worker that loses the row lock race fails with a
                # serialization error and retries, as Odoo retries requests.
                for _attempt in range(500):
                    try:
                        result = env["sms.usage"]._gateway_reserve(
                            env["res.company"].browse(company_id),
                            [10] * 10,
                            month=self.MONTH,
                        )
                        env.cr.commit()
                    except psycopg2.errors.SerializationFailure:
                        env.cr.rollback()
                        continue
                    granted.append(sum(10 for ok in result if ok))
                    break

        # Environments are made here: the test runner holds the registry lock.
        cursors = [self.db.cursor() for _i in range(4)]
        threads = [
            threading.Thread(
                target=worker, args=(api.Environment(cr, api.SUPERUSER_ID, {}),)
            )
            for cr in cursors
        ]
        try:
            with mute_logger("odoo.sql_db"):  # the losers' serialization errors
                for thread in threads:
                    thread.start()
                for thread in threads:
                    thread.join(300)
                    self.assertFalse(thread.is_alive())
        finally:
            for cr in cursors:
                cr.close()
        # 4 workers x 12 batches x 100 segments = 4,800 asked for.
        with self.db.cursor() as cr:
            cr.execute(
                "SELECT segments FROM sms_usage WHERE company_id = %s AND month = %s",
                [company_id, self.MONTH],
            )
            (used,) = cr.fetchone()
        self.assertEqual(used, sum(granted), "every granted segment is counted once")
        self.assertLessEqual(used, limit, "never over the quota and its cap")
        self.assertGreater(used, limit - 10, "and nothing left unused but a remainder")
