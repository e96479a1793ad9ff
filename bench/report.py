# Part of sms_twilio_gateway. License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The Markdown tables of `make bench` (bench/run.py)."""


def _ratio(ours, stock):
    return f"{ours / stock:.2f}×" if stock else "—"


def _rate(runs):
    """SMS/s of runs ``[(received, seconds, ...)]`` taken together."""
    return sum(run[0] for run in runs) / sum(run[1] for run in runs)


def _cpu(runs, which):
    """CPU seconds per 1,000 SMS, first send vs off, of the drain (2) or the
    simulator (3) in runs ``{policy: [(received, seconds, drain, simulator)]}``."""
    per_policy = [
        sum(run[which] for run in runs[policy])
        / sum(run[0] for run in runs[policy])
        * 1000
        for policy in ("first_send", "off")
    ]
    return "{:.2f} vs {:.2f}".format(*per_policy)


def _spread(runs):
    """How far apart runs of the same policy are: the measure's noise."""
    spreads = []
    for done in runs.values():
        rates = [run[0] / run[1] for run in done]
        spreads.append((max(rates) - min(rates)) / min(rates))
    return max(spreads)


def _row(*cells):
    print("| " + " | ".join(str(cell) for cell in cells) + " |")


def _sides(label, values, fmt, target):
    """A row of a measure taken on both sides: stock, ours, their ratio."""
    stock, ours = values["stock"], values["ours"]
    _row(label, fmt.format(stock), fmt.format(ours), _ratio(ours, stock), target)


def _measures(r, threads):
    _row("measure", "stock Odoo 19", "ours", "ours / stock", "target")
    _row("---", "---", "---", "---", "---")
    _sides(
        "dispatch, SMS/s (stock: batch 10; ours: its defaults, every check on)",
        r["dispatch"], "{:.1f}", "≥ 10×",
    )  # fmt: skip
    failed = ", ".join(
        f"{side}: {failure} ×{count}"
        for side, found in r["callbacks_failures"].items()
        for failure, count in found.items()
    )
    _sides(
        f'signed "delivered" status callbacks/s, `--workers=2`, {threads} client'
        f" threads ({r['callbacks_count']['ours']} a side)"
        + (f" **failed: {failed}**" if failed else ""),
        r["callbacks"], "{:.1f}", "≥ 300/s and ≥ 1×",
    )  # fmt: skip
    _sides(
        "queueing a list SMS mailing (mailing cron), seconds",
        r["queueing"], "{:.2f} s", "≤ 1.2×",
    )  # fmt: skip
    _sides(
        "first mailing to new numbers (that list), SMS/s; ours looks up at first send",
        r["first_mailing"], "{:.1f}", "—",
    )  # fmt: skip
    lookup = r["lookup"]
    names = {
        "be": "Belgian mobiles (mobile-only ranges)",
        "mx": "Mexican numbers (ranges shared with landlines, as North America's)",
    }
    for (plan, count), runs in lookup.items():
        rates = {policy: _rate(done) for policy, done in runs.items()}
        _row(
            f"ours, mailings of {count} to new {names[plan]}: lookup at first send"
            f" vs off, SMS/s (ABBA ×{len(runs['off']) // 2})",
            "—",
            f"{rates['first_send']:.1f} vs {rates['off']:.1f}; CPU seconds per 1,000"
            f" SMS, drain {_cpu(runs, 2)}, simulator {_cpu(runs, 3)}",
            f"{rates['first_send'] / rates['off']:.3f}× (runs of one policy differ"
            f" by up to {_spread(runs):.1%})",
            "≥ 1× of off",
        )
    small, large = r["rss_small"], r["rss_large"]
    _row(
        "peak RSS of the drain process, small vs large queue, MB",
        f"{small['stock']:.0f} / {large['stock']:.0f}",
        f"{small['ours']:.0f} / {large['ours']:.0f}",
        _ratio(large["ours"], large["stock"]),
        "flat",
    )
    two = r["two_drainers"]
    longest = max(count for plan, count in lookup if plan == "be")
    one_drainer = _rate(lookup["be", longest]["off"])
    _row(
        "ours, two drainer processes on one queue: SMS/s (vs one drainer, lookup"
        f" off, {longest} Belgian mobiles), duplicates",
        "—",
        f"{two['rate']:.1f} ({two['rate'] / one_drainer:.2f}×),"
        f" {two['duplicates']} duplicates, {two['errors']} errors",
        "—",
        "≈ 2×, 0 duplicates",
    )


def _traces(r):
    print()
    print(
        "SMS traces after the callbacks (a delivered callback makes a trace"
        " `sent`; the others wait for theirs):"
    )
    print()
    for side, states in r["traces_after_callbacks"].items():
        shown = ", ".join(f"{state} {count}" for state, count in states.items())
        print(f"- {side}: {shown}")


def _previews(r):
    print()
    print("Ours, the SMS mailing form and the list confirmation (seconds):")
    print()
    sizes = sorted(r["preview"], key=int)
    _row("call", *(f"{int(count):,} recipients" for count in sizes), "growth")
    _row("---", *("---" for _s in sizes), "---")
    names = {
        "form_open": "mailing form opened (`web_read`)",
        "form_body_edit": "mailing body edited (`onchange`)",
        "confirm_open": 'list "Send SMS" confirmation opened (`onchange`)',
        "confirm_body_edit": "confirmation body edited (`onchange`)",
    }
    first, last = r["preview"][sizes[0]], r["preview"][sizes[-1]]
    factor = int(sizes[-1]) / int(sizes[0])
    for key, label in names.items():
        growth = last[key] / first[key] if first[key] else 0
        _row(
            label,
            *(f"{r['preview'][count][key]:.2f}" for count in sizes),
            f"{growth:.1f}× for {factor:.0f}× recipients",
        )
    _row("sendable shown", *(r["preview"][count]["sendable"] for count in sizes), "")


def _exactly_once(r):
    print()
    print("What the simulator received (each To with each body):")
    print()
    _row("body", "queued", "received (distinct To)", "duplicates", "left in Odoo")
    _row("---", "---", "---", "---", "---")
    for body, expected, received, duplicates, left in r["exactly_once"]:
        mark = "" if expected == received and not duplicates else " **≠**"
        _row(body, expected, f"{received}{mark}", duplicates, left)


def print_report(r, latency_ms, threads):
    print(f"## Side by side, Twilio simulator at {latency_ms} ms\n")
    _measures(r, threads)
    _traces(r)
    _previews(r)
    _exactly_once(r)
