# Part of sms_twilio_gateway. License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Recognise opt-out, opt-in and help keywords in inbound SMS.

Matching follows Twilio's STOP filtering and Advanced Opt-Out: "only
single-word messages" trigger it (help.twilio.com, "Twilio support for
opt-out keywords"), case-insensitively, with surrounding whitespace ignored.
"STOP" and "  stop \\n" match; "Stop it", "please stop" and "STOPP" do not.

Punctuation around the word (Twilio's documentation does not say how it is
treated), decided as follows:

* opt-out and help keywords ignore punctuation before and after the word:
  "STOP!", "Stop.", "¡STOP!" and "HELP?" match. The message is still a
  single word, and the FCC treats a reply of "stop", "quit", "end",
  "revoke", "opt out", "cancel" or "unsubscribe" as a per se revocation of
  consent (47 CFR 64.1200(a)(12)). Missing an opt-out risks texting someone
  who asked not to be; honouring one Twilio did not catch only blocks us,
  which is the safe side. Punctuation inside the word still fails ("ST.OP").
* opt-in keywords must be exact ("START", "yes"): opting back in gives
  consent, so it needs the unambiguous form. "Yes!" answering an unrelated
  question must not undo an opt-out, and Twilio, which keeps its own
  block list, would still refuse the number (error 21610).

Opt-out is checked first, so a keyword configured in two lists opts out.
"""

import unicodedata

OPT_OUT_KEYWORDS = (
    "STOP",
    "STOPALL",
    "UNSUBSCRIBE",
    "CANCEL",
    "END",
    "QUIT",
    "REVOKE",
    "OPTOUT",
)
OPT_IN_KEYWORDS = ("START", "YES", "UNSTOP")
HELP_KEYWORDS = ("HELP", "INFO")

OPT_OUT = "opt_out"
OPT_IN = "opt_in"
HELP = "help"

# Format characters phones and copy-paste add around words (zero-width space,
# word joiner, BOM, direction marks) are not text.
_INVISIBLE = "\u200b\u200c\u200d\u200e\u200f\u2060\ufeff"


def _normalize(text: str) -> str:
    """Comparable form: NFC (accents typed either way), casefolded, trimmed."""
    text = unicodedata.normalize("NFC", text).strip().strip(_INVISIBLE).strip()
    return text.casefold()


def _strip_punctuation(text: str) -> str:
    start, end = 0, len(text)
    while start < end and _is_edge_noise(text[start]):
        start += 1
    while end > start and _is_edge_noise(text[end - 1]):
        end -= 1
    return text[start:end]


def _is_edge_noise(char: str) -> bool:
    # Unicode punctuation (P*), plus spaces between a word and its "!".
    return unicodedata.category(char).startswith("P") or char.isspace()


def _matches(candidates: set[str], keywords) -> bool:
    return any(_normalize(keyword) in candidates for keyword in keywords if keyword)


def classify(
    body: str | None,
    opt_out=OPT_OUT_KEYWORDS,
    opt_in=OPT_IN_KEYWORDS,
    help=HELP_KEYWORDS,  # shadows the builtin: the name is the public API
) -> str | None:
    """Return "opt_out", "opt_in", "help" or None for an inbound ``body``.

    The keyword lists default to Twilio's and may be replaced by the admin's
    (see :func:`parse_keyword_list`); any case is accepted.
    """
    word = _normalize(body or "")
    if not word:
        return None
    # The word as sent, and without the punctuation around it.
    lenient = {word, _strip_punctuation(word)} - {""}
    if _matches(lenient, opt_out):
        return OPT_OUT
    if _matches({word}, opt_in):
        return OPT_IN
    if _matches(lenient, help):
        return HELP
    return None


def parse_keyword_list(text: str) -> tuple[str, ...]:
    """Read an admin setting into keywords: "STOP, Arrêt\\nQUIT" gives
    ("STOP", "ARRÊT", "QUIT"). Commas, semicolons and new lines separate;
    keywords are upper-cased, empty ones dropped, duplicates removed, order
    kept.
    """
    keywords = {}
    for line in (text or "").replace(";", ",").splitlines():
        for item in line.split(","):
            keyword = unicodedata.normalize("NFC", item).strip().upper()
            if keyword:
                keywords.setdefault(keyword, None)
    return tuple(keywords)


# Twilio's Advanced Opt-Out posts the kind of keyword it matched (its own,
# configurable per Messaging Service, in any language) as ``OptOutType``.
_OPT_OUT_TYPES = {"STOP": OPT_OUT, "START": OPT_IN, "HELP": HELP}


def from_opt_out_type(value: str | None) -> str | None:
    """ "opt_out", "opt_in", "help" for Twilio's ``OptOutType``, else None."""
    return _OPT_OUT_TYPES.get((value or "").strip().upper())
