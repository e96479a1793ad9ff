# Part of sms_twilio_gateway. License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Quota arithmetic: how many segments a company may still send this month.

A plan includes ``quota`` segments a month; past it each segment costs
``overage_price``, up to ``overage_cap`` a month. A quota of 0 means no quota.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Allowance:
    quota: int
    used: int
    included_left: int | None  # None: no quota
    total_left: int | None  # included + what the overage cap still allows


def allowance(quota, used, overage_price, overage_cap):
    if not quota or quota <= 0:
        return Allowance(0, used, None, None)
    overage = int(round(overage_cap / overage_price, 6)) if overage_price > 0 else 0
    return Allowance(
        quota,
        used,
        max(quota - used, 0),
        max(quota + max(overage, 0) - used, 0),
    )


def overage_segments(quota, used_before, segments):
    """How many of ``segments`` sent after ``used_before`` fall over the quota."""
    if not quota or quota <= 0:
        return 0
    return max(used_before + segments - max(quota, used_before), 0)


def grant(total_left, segments_list):
    """Grant segments to SMS in order while they fit; returns booleans."""
    granted, total = [], 0
    for segments in segments_list:
        ok = total_left is None or total + segments <= total_left
        granted.append(ok)
        if ok:
            total += segments
    return granted
