# Part of sms_twilio_gateway. License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Lookups go to Twilio in batch queries of at most 100 numbers: counted on
the wire (the simulator's lookup requests), with what each answer leaves on
the numbers and on the SMS."""

from odoo.tests import tagged
from odoo.tools import mute_logger

from ..models.sms_gateway_transport import DEFAULT_IN_FLIGHT
from .common import GatewayCase
from .test_throughput import _queue_mailing


@tagged("post_install", "-at_install")
class TestLookupBatches(GatewayCase):
    def _facts(self, numbers):
        return self.env["sms.number"].search([("number", "in", numbers)])

    def test_a_mailing_costs_one_lookup_request_per_hundred_numbers(self):
        """Lookup "at first send", batches of 101, two numbers of landline
        ranges among mobiles: the first batch's landline range is looked up
        before the batch is decided (one request); its mobiles and the whole
        next batch beside its sending (100 + 100 + 1); no
        single lookup; each landline is refused."""
        self.company.sms_lookup_policy = "first_send"
        self.env["ir.config_parameter"].set_param("sms_twilio_gateway.batch_size", 101)
        numbers = [f"+3247066{i:04d}" for i in range(202)]
        numbers[7], numbers[150] = "+3222660007", "+3222660150"  # Brussels
        landlines = {numbers[7], numbers[150]}
        for number in landlines:
            self.sim.set_line_type(number, "landline")
        mailing = _queue_mailing(self, "Batched lookups", numbers)
        self.run_queue()
        self.assertEqual(sorted(self.sim.lookup_batches), [1, 1, 100, 100])
        self.assertEqual(self.sim.lookup_request_count("single"), 0)
        self.assertEqual({self.sim.lookup_count(n) for n in numbers}, {1})
        sent = sorted(m["to"] for m in self.sim_messages())
        self.assertEqual(sent, sorted(set(numbers) - landlines), "no landline")
        refused = self.env["sms.sms"].search(
            [("mailing_id", "=", mailing.id), ("failure_type", "=", "sms_landline")]
        )
        self.assertEqual(set(refused.mapped("number")), landlines)
        # The landline range's lookup before any SMS is sent; the others
        # beside the first batch's sending, before the second batch's.
        paths = [request["path"] for request in self.sim.requests]
        posts = [i for i, path in enumerate(paths) if path.endswith("Messages.json")]
        queries = [i for i, path in enumerate(paths) if path == "/v2/batch/query"]
        self.assertLess(queries[0], posts[0])
        self.assertEqual(self.sim.lookup_batches[0], 1)
        self.assertLess(queries[1], posts[DEFAULT_IN_FLIGHT], "beside the first")
        self.assertLess(queries[3], posts[100], "before the second batch")

    def test_the_lookup_cron_queries_in_batches_side_by_side(self):
        """Numbers queued at intake: 250 cost three requests, side by side."""
        numbers = [f"+3247067{i:04d}" for i in range(250)]
        self.env["sms.number"]._gateway_request_lookup(numbers, self.company)
        self.run_cron("sms_twilio_gateway.ir_cron_sms_number_lookup")
        self.assertEqual(sorted(self.sim.lookup_batches), [50, 100, 100])
        self.assertEqual(self.sim.lookup_request_count(), 3)
        facts = self._facts(numbers)
        self.assertEqual(set(facts.mapped("line_type")), {"mobile"})
        self.assertFalse(any(facts.mapped("lookup_error")))
        self.assertFalse(any(facts.mapped("lookup_requested")))

    def test_a_number_twilio_cannot_look_up_fails_alone(self):
        """A per-item ``twilio_error_code``: that number's lookup error, the
        other numbers of the request stored; its SMS is not blocked by it."""
        self.company.sms_lookup_policy = "first_send"
        numbers = ["+32470680001", "+32470680002", "+3222680003"]
        self.sim.set_lookup_error(numbers[0], 60600)
        self.sim.set_line_type(numbers[2], "landline")
        sms = self.env["sms.sms"].create(
            [{"number": number, "body": "hello"} for number in numbers]
        )
        self.run_queue()
        # The landline range before deciding, the mobiles beside sending.
        self.assertEqual(self.sim.lookup_batches, [1, 2])
        failed, mobile, landline = (self._facts([n]) for n in numbers)
        self.assertIn("60600", failed.lookup_error)
        self.assertFalse(failed.line_type)
        self.assertTrue(failed.lookup_date, "not asked again at each send")
        self.assertEqual((mobile.line_type, mobile.lookup_error), ("mobile", False))
        self.assertEqual(landline.line_type, "landline")
        self.assertEqual(sms.mapped("state"), ["pending", "pending", "error"])
        self.assertEqual(sms[2].failure_type, "sms_landline")

    def test_a_failed_request_fails_only_its_numbers(self):
        """Of two requests side by side, Twilio refuses one (500): its 100
        numbers record the error, the other request's are stored."""
        numbers = [f"+3247069{i:04d}" for i in range(150)]
        self.sim.add_fault("500", count=1, scope="lookup")
        facts = self.env["sms.number"]._gateway_get(numbers)
        with mute_logger("odoo.addons.sms_twilio_gateway.models.sms_number"):
            facts._gateway_lookup(self.company)
        self.assertEqual(self.sim.lookup_request_count("batch"), 2)
        self.assertEqual(len(self.sim.lookup_batches), 1, "one answered")
        failed = facts.filtered("lookup_error")
        self.assertEqual(len(failed), 150 - self.sim.lookup_batches[0])
        self.assertFalse(any(failed.mapped("line_type")))
        self.assertEqual(set((facts - failed).mapped("line_type")), {"mobile"})
        self.assertTrue(all(facts.mapped("lookup_date")))
