# Part of sms_twilio_gateway. License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Benchmarks of the pure helpers (no database): python -m bench.bench_tools"""

import random
import string
import time

from tools.phone_numbers import check_number
from tools.segments import count_segments


def per_second(func, items, seconds=1.0):
    done, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        for item in items:
            func(item)
        done += len(items)
    return done / (time.perf_counter() - start)


def main():
    rng = random.Random(42)
    gsm = [
        "".join(rng.choices(string.ascii_letters + " .,!?", k=n))
        for n in (40, 160, 600, 1600)
    ]
    ucs = [text[:-1] + "😀" for text in gsm]
    numbers = [f"+3247{rng.randrange(10**7):07d}" for _i in range(200)]
    print("| what | per second |")
    print("|---|---|")
    print(
        "| segments, GSM-7 bodies of 40-1,600 chars | %d |"
        % per_second(count_segments, gsm)
    )
    print(
        "| segments, UCS-2 bodies of 40-1,600 chars | %d |"
        % per_second(count_segments, ucs)
    )
    print(
        "| number checks (parse, validate, E.164), first time | %d |"
        % per_second(check_number.__wrapped__, numbers)
    )
    print(
        "| number checks again (cached, as a preview edited again) | %d |"
        % per_second(check_number, numbers)
    )


if __name__ == "__main__":
    main()
