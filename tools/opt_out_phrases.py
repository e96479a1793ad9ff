# Part of sms_twilio_gateway. License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Replies that read as an opt-out without being a keyword.

Keywords (the whole message, see :mod:`.keywords`) opt out automatically.
The FCC's rule on revoking consent (47 CFR 64.1200(a)(10), (a)(12), in
force since April 2025) asks more: a revocation "by any reasonable means"
must be honoured within 10 business days. "Please stop texting me" or
"unsubscribe me" are such means, yet matching them automatically would also
opt out "don't stop the reminders". They go to a queue a manager confirms
or dismisses; :func:`is_probable_opt_out` decides what goes there, and
:func:`honour_by` when it must be honoured.

Recall over precision: a false positive costs a manager a click, a missed
opt-out texts someone who asked us to stop.
"""

import re
import unicodedata
from datetime import date, timedelta

from . import keywords

# FCC: revocations honoured "within a reasonable time not to exceed ten
# business days".
HONOUR_WITHIN_BUSINESS_DAYS = 10

_VERBS = r"(?:text(?:ing)?|txt(?:ing)?|messag(?:e|ing)|sms(?:ing)?|send(?:ing)?|contact(?:ing)?|call(?:ing)?|spam(?:ming)?|email(?:ing)?|bother(?:ing)?)"  # noqa: E501
_PHRASES = re.compile(
    r"|".join(
        (
            rf"\bstop {_VERBS}\b",
            rf"\b(?:do not|dont|don t|never) {_VERBS} me\b",
            r"\bno (?:more|further) (?:texts?|messages?|sms|txts?|msgs?)\b",
            r"\b(?:unsubscribe|unsub|unsuscribe|opt ?out|opt me out)\b",
            r"\b(?:remove|take|delete) (?:me|my (?:phone |cell )?number)\b",
            r"\btake me off\b",
            r"\bleave me alone\b",
            r"\b(?:not|no longer) interested\b",
        )
    )
)
# "Don't stop", "never stop": a keyword after a negation is not an opt-out.
_NEGATED = re.compile(r"\b(?:do not|dont|don t|never|not) (?:stop|cancel|end|quit)\b")
# A keyword inside a short message ("Stop please", "STOP NOW!!"): probable.
SHORT_MESSAGE_WORDS = 6


def _words(body: str) -> str:
    """Lower case words separated by single spaces, punctuation dropped."""
    text = unicodedata.normalize("NFKC", body or "").casefold()
    text = "".join(
        " " if unicodedata.category(c)[0] in "PSZC" else c
        for c in text.replace("'", "").replace("\u2019", "")
    )
    return " ".join(text.split())


def is_probable_opt_out(body: str | None, opt_out=keywords.OPT_OUT_KEYWORDS) -> bool:
    """Whether a reasonable person would read ``body`` as "stop texting me".

    False for an exact keyword (that is an opt-out, handled automatically)
    and for ordinary replies.
    """
    if keywords.classify(body, opt_out=opt_out) == keywords.OPT_OUT:
        return False
    text = _words(body)
    if not text:
        return False
    if _PHRASES.search(text):
        return True
    if _NEGATED.search(text):
        return False
    words = text.split()
    stop_words = {_words(keyword) for keyword in opt_out} - {"end", "cancel"}
    # "end" and "cancel" are too common in ordinary replies ("cancel my
    # appointment"); alone they are keywords and handled already.
    return len(words) <= SHORT_MESSAGE_WORDS and bool(stop_words & set(words))


def honour_by(received: date) -> date:
    """The last day to honour a revocation received on ``received``: ten
    business days later (Monday to Friday; public holidays are not skipped,
    which only makes the deadline earlier, the safe side)."""
    day, left = received, HONOUR_WITHIN_BUSINESS_DAYS
    while left:
        day += timedelta(days=1)
        if day.weekday() < 5:
            left -= 1
    return day


def business_days_left(deadline: date, today: date) -> int:
    """Business days from ``today`` to ``deadline`` (negative once late)."""
    if today > deadline:
        return -_business_days_between(deadline, today)
    return _business_days_between(today, deadline)


def _business_days_between(start: date, end: date) -> int:
    return sum(
        1
        for offset in range(1, (end - start).days + 1)
        if (start + timedelta(days=offset)).weekday() < 5
    )
