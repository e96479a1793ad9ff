# Part of sms_twilio_gateway. License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Gateway benchmarks on a real database, run by scripts/bench.sh through
``odoo-bin shell``: queue throughput through the SDK and the simulator, and
contact intake with line type lookup on.
"""

# ruff: noqa: F821 - `env` is given by odoo-bin shell
import resource
import time

from odoo.addons.sms_twilio_gateway.tools.twilio_simulator import (
    Simulator,
    SimulatorServer,
)

N_SMS = 2000
N_CONTACTS = 10000

sim = Simulator(auto_progress=False)
server = SimulatorServer(simulator=sim).start()
company = env.ref("base.main_company")
company._gateway_use_sandbox(server.url, numbers=[("+3228080000", env.ref("base.be"))])
company.write(
    {
        "country_id": env.ref("base.be").id,
        "sms_quiet_hours_enabled": False,
        "sms_lookup_policy": "off",
        "sms_monthly_quota": 0,
    }
)
env.cr.commit()
rows = []

# 1. Queue throughput: N SMS queued by a mass composer, drained by the cron.
partners = env["res.partner"].create(
    [{"name": f"Bench {i}", "phone": f"+3247{i:07d}"} for i in range(1, N_SMS + 1)]
)
env["sms.composer"].create(
    {
        "body": "Benchmark message",
        "composition_mode": "mass",
        "mass_force_send": False,
        "res_model": "res.partner",
        "res_ids": partners.ids,
    }
)._action_send_sms()
env.cr.commit()
start = time.perf_counter()
while env["sms.sms"].search_count([("state", "=", "outgoing")]):
    env["sms.sms"]._process_queue()
    env.cr.commit()
elapsed = time.perf_counter() - start
sent = len(sim.list_messages(direction="outbound-api"))
rows.append(
    ("queue drained through the SDK (%d SMS)" % sent, "%.0f SMS/s" % (sent / elapsed))
)

# 2. Intake: 10,000 contacts with lookup at intake cost no request at create.
company.sms_lookup_policy = "intake"
env.cr.commit()
before = len(sim.requests)
start = time.perf_counter()
env["res.partner"].create(
    [{"name": f"Intake {i}", "phone": f"+3248{i:07d}"} for i in range(N_CONTACTS)]
)
env.cr.commit()
elapsed = time.perf_counter() - start
rows.append(
    (
        "create %d contacts, lookup at intake" % N_CONTACTS,
        "%.1f s, %d Twilio requests during the create"
        % (elapsed, len(sim.requests) - before),
    )
)
start = time.perf_counter()
env["sms.number"]._cron_lookup()
elapsed = time.perf_counter() - start
looked = sum(sim.lookups.values())
rows.append(
    ("lookup cron (%d numbers)" % looked, "%.0f lookups/s" % (looked / elapsed))
)
rows.append(
    (
        "peak memory of the process",
        "%d MB" % (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024),
    )
)
server.stop()
print("| what | result |")
print("|---|---|")
for what, result in rows:
    print(f"| {what} | {result} |")
