# Part of sms_twilio_gateway. License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""What scripts/fault_suite.py asserts, from what Odoo and the simulator hold.

Pure functions over plain data: the final rows of every queued SMS (its
``sms.sms`` row if Odoo kept it, its ``sms.log`` rows, oldest first), the
messages the Twilio simulator created and the status callbacks it delivered.
"""

import collections
from dataclasses import dataclass, field

# Statuses of a log row once Twilio took the message (its answer, or a later
# status callback).
HANDED_STATUSES = {"accepted", "scheduled", "queued", "sending", "sent", "delivered"}
REVIEW = "to review"
LOST = "not final (lost)"


@dataclass
class Check:
    name: str
    violations: list = field(default_factory=list)  # (uuid or "-", detail)
    note: str = ""

    @property
    def passed(self):
        return not self.violations


def uuid_of(message):
    """The SMS UUID in the status callback URL (/sms_twilio/status/<uuid>)."""
    url = message.get("status_callback") or ""
    return url.rstrip("/").rsplit("/", 1)[-1] if url else None


def classify(entry):
    """Final state of one SMS: ``(category, detail)``."""
    sms, logs = entry["sms"], entry["logs"]
    attempts = [log for log in logs if log["status"] != "canceled"]
    last = attempts[-1] if attempts else None
    if sms and sms["state"] in ("outgoing", "process"):
        return LOST, f"sms.sms still {sms['state']}"
    if (sms and sms["failure_type"] == "sms_review") or (
        last and last["status"] == "review"
    ):
        return REVIEW, f"log {last and last['status']}"
    if last and (last["twilio_sid"] or last["status"] in HANDED_STATUSES):
        return f"sent ({last['status']})", last["twilio_sid"] or "no SID stored"
    if sms and sms["state"] == "error":
        return f"error: {sms['failure_type']}", f"log {last and last['status']}"
    if last and last["status"] in ("failed", "blocked", "undelivered"):
        return f"error: {last['failure_type']}", f"log {last['status']}"
    if sms and sms["state"] == "canceled":
        return f"canceled: {sms['failure_type']}", ""
    return LOST, "no final log row"


def retried_codes(entry):
    """Twilio error codes of the attempts that were put back in the queue."""
    return [log["error_code"] for log in entry["logs"] if log["status"] == "canceled"]


def evaluate(uuids, rows, sim_messages, callback_log, facts):
    """Run every assertion; return ``(checks, table)``.

    :param facts: ``faults`` {kind: consumed}, ``stuck_after_kills`` (UUIDs a
        killed drainer left in ``process``), ``stuck_no_kill`` (left there
        though no drainer was killed), ``kills``/``kills_landed``,
        ``callbacks`` (Odoo served them), ``kinds`` (of faults in the storm)
    """
    queued = set(uuids)
    received = collections.defaultdict(list)
    for message in sim_messages:
        if message.get("direction", "outbound-api") == "outbound-api":
            received[uuid_of(message)].append(message)
    delivered_ok = set()
    for entry in callback_log:
        code = entry.get("status_code") or 0
        if entry.get("status") == "delivered" and 200 <= code < 300:
            delivered_ok.add(entry.get("sid"))
    states = {uuid: classify(rows[uuid]) for uuid in uuids}
    stuck = facts["stuck_after_kills"]

    dup = Check("at most once: no SMS reached the simulator twice")
    stray = Check("every message the simulator got is a queued SMS")
    lost = Check("0 lost: every SMS ended in a final state")
    sent_ok = Check("sent => received exactly once, with the stored Twilio SID")
    received_ok = Check("received by the simulator => sent or to review")
    transient = Check(
        "429/500/503 storm: every SMS not to review ends sent (retried, then sent)"
    )
    review = Check("to review only where an answer may be lost (drop, timeout, kill)")
    callbacks = Check("a delivered callback Odoo accepted => the SMS shows delivered")
    kills = Check("kill -9 landed mid-batch (SMS left in process)")
    rolled_back = Check(
        "a live drainer never leaves SMS in process (its answers rolled back)"
    )
    rolled_back.violations.extend(
        (uuid, states[uuid][0]) for uuid in sorted(facts["stuck_no_kill"])
    )

    for uuid, messages in received.items():
        if uuid not in queued:
            stray.violations.append((uuid or "-", f"{len(messages)} message(s)"))
    for uuid in uuids:
        category, detail = states[uuid]
        messages = received.get(uuid, [])
        if len(messages) > 1:
            dup.violations.append((uuid, f"{len(messages)} messages"))
        if category == LOST:
            lost.violations.append((uuid, detail))
        if category.startswith("sent"):
            sids = {m["sid"] for m in messages}
            if len(messages) != 1 or (detail.startswith("SM") and detail not in sids):
                sent_ok.violations.append(
                    (uuid, f"{category}, {len(messages)} received, SID {detail}")
                )
        elif messages and category != REVIEW:
            received_ok.violations.append((uuid, f"{category} ({detail})"))
        if category.startswith(("error", "canceled")):
            codes = retried_codes(rows[uuid])
            attempts = [g for g in rows[uuid]["logs"] if g["status"] != "canceled"]
            final = attempts[-1]["error_code"] if attempts else None
            transient.violations.append(
                (uuid, f"{category} (code {final}), retried before: {codes}")
            )
        if messages and messages[0]["sid"] in delivered_ok:
            last = [log for log in rows[uuid]["logs"] if log["status"] != "canceled"]
            status = last[-1]["status"] if last else None
            if not category.startswith("sent") or status != "delivered":
                in_kill = " (its drainer was killed)" if uuid in stuck else ""
                callbacks.violations.append(
                    (uuid, f"{category}, log {status}{in_kill}")
                )

    reviews = [uuid for uuid in uuids if states[uuid][0] == REVIEW]
    faults = facts["faults"]
    ambiguous = faults.get("drop", 0) + faults.get("slow", 0)
    outside_kills = [uuid for uuid in reviews if uuid not in stuck]
    review.note = (
        f"{len(reviews)} to review: {len(reviews) - len(outside_kills)} left by a "
        f"killed drainer, {len(outside_kills)} other for {ambiguous} drops/timeouts"
    )
    if len(outside_kills) > ambiguous:
        review.violations.extend(
            (uuid, "to review, not in a killed batch")
            for uuid in outside_kills[ambiguous:]
        )
    kills.note = f"{facts['kills_landed']} of {facts['kills']} planned"
    if facts["kills_landed"] < facts["kills"]:
        kills.violations.append(("-", kills.note))
    storm = Check("the storm hit with every kind of fault it was given")
    storm.violations.extend(
        ("-", f"no {kind} fault taken") for kind in facts["kinds"] if not faults[kind]
    )
    checks = [dup, stray, lost, sent_ok, received_ok, transient, review, storm]
    checks += [rolled_back, kills]
    if facts["callbacks"]:
        checks.append(callbacks)

    table = collections.Counter()
    received_by_category = collections.Counter()
    for uuid in uuids:
        table[states[uuid][0]] += 1
        received_by_category[states[uuid][0]] += bool(received.get(uuid))
    return checks, table, received_by_category


def retry_summary(uuids, rows):
    """{Twilio error code: attempts put back in the queue}."""
    counter = collections.Counter()
    for uuid in uuids:
        counter.update(retried_codes(rows[uuid]))
    return counter


def render(checks, table, received_by_category, retries, faults, samples=3):
    lines = ["", "final state of the queued SMS        count  received by simulator"]
    for category, count in sorted(table.items()):
        lines.append(f"  {category:34} {count:5}  {received_by_category[category]:5}")
    lines.append(
        "faults consumed: "
        + ", ".join(f"{kind} {count}" for kind, count in sorted(faults.items()))
    )
    lines.append(
        "attempts put back in the queue, by Twilio code: "
        + (", ".join(f"{code}: {n}" for code, n in sorted(retries.items())) or "none")
    )
    lines.append("")
    for check in checks:
        mark = "PASS" if check.passed else "FAIL"
        count = f" ({len(check.violations)} violations)" if check.violations else ""
        note = f" [{check.note}]" if check.note else ""
        lines.append(f"{mark}  {check.name}{count}{note}")
        for uuid, detail in check.violations[:samples]:
            lines.append(f"        {uuid}: {detail}")
    return "\n".join(lines)
