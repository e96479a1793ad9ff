# Part of sms_twilio_gateway. License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Count SMS segments and pick the encoding the way Twilio does.

One function, :func:`count_segments`, is the single source of truth for the
composer preview, the quota reservation and the billing estimate, so the
number shown to the user is the number charged.

Twilio's rules (twilio.com/docs/glossary/what-sms-character-limit and its
segment calculator):

* GSM-7 when every character is in the GSM 03.38 basic table or its extension
  table; an extension character is sent as ESC + character, so it takes two
  septets. Otherwise the whole message is UCS-2 (UTF-16 code units), where an
  astral character (emoji...) is a surrogate pair and takes two units.
* A message that fits one segment holds 160 septets (GSM-7) or 70 units
  (UCS-2). Longer messages are concatenated: each part loses room to the
  User Data Header and holds 153 septets or 67 units.
* A character is never split across two parts: an ESC pair or a surrogate
  pair that does not fit the room left in a part starts the next part. So
  segments are counted by packing characters one by one, not by dividing.

Characters are counted in code points, the unit of Twilio's 1,600-character
body limit. Multi-code-point graphemes (an emoji with a skin tone, flags) are
packed code point by code point: only surrogate pairs are kept whole.

Smart Encoding (a Messaging Service option) replaces look-alike Unicode
punctuation with GSM-7 characters before encoding; :func:`smart_encode`
reproduces Twilio's published table
(twilio.com/docs/messaging/services/smart-encoding-char-list).
"""

from dataclasses import dataclass

GSM7 = "GSM-7"
UCS2 = "UCS-2"

MAX_BODY_CHARS = 1600

# Capacity of one segment: (single message, each part of a concatenated one).
GSM7_SINGLE, GSM7_MULTI = 160, 153
UCS2_SINGLE, UCS2_MULTI = 70, 67

# GSM 03.38 default alphabet, in table order (0x00-0x7F), without ESC (0x1B).
GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅå"
    "Δ_ΦΓΛΩΠΨΣΘΞÆæßÉ"
    " !\"#¤%&'()*+,-./"
    "0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNO"
    "PQRSTUVWXYZÄÖÑÜ§"
    "¿abcdefghijklmno"
    "pqrstuvwxyzäöñüà"
)
# Extension table: each one is sent as ESC + character, two septets.
GSM7_EXTENSION = frozenset("^{}\\[~]|€\x0c")

# Twilio Smart Encoding replacements, grouped by what they become. Every
# replacement is GSM-7 (checked by the tests); characters already in GSM-7
# are never touched.
_SMART_ENCODING_GROUPS = {
    '"': (
        "\u00ab\u00bb"  # « »
        "\u201c\u201d\u201e\u201f"  # “ ” „ ‟
        "\u02ba\u02ee"  # ʺ ˮ modifier double prime / apostrophe
        "\u275d\u275e"  # ❝ ❞ heavy double comma ornaments
        "\u301d\u301e"  # 〝 〞 double prime quotation marks
        "\uff02"  # ＂ fullwidth quotation mark
    ),
    "'": (
        "\u2018\u2019\u201a\u201b"  # ‘ ’ ‚ ‛
        "\u02b9\u02bb\u02bc\u02bd\u02c8\u02ca\u02cb"  # modifier primes, commas
        "\u00b4\u0060"  # ´ `
        "\u275b\u275c"  # ❛ ❜ heavy single comma ornaments
        "\u0313\u0314"  # combining comma above / reversed comma above
        "\ufe10\ufe11"  # vertical presentation forms of comma
        "\uff07"  # ＇ fullwidth apostrophe
    ),
    "<": "\u2039\ufe64\uff1c",  # ‹ ﹤ ＜
    ">": "\u203a\ufe65\uff1e",  # › ﹥ ＞
    "-": (
        "\u2010\u2011\u2012\u2013\u2014\u2015"  # hyphen, figure/en/em dash, bar
        "\u2043\u2212"  # hyphen bullet, minus sign
        "\u23bc\u23bd"  # horizontal scan lines
        "\ufe58\ufe63\uff0d"  # small em dash, small and fullwidth hyphen-minus
        "\u2022"  # • bullet
    ),
    "...": "\u2026",  # … horizontal ellipsis
    "!!": "\u203c",  # ‼
    " ": (
        "\u00a0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009"
        "\u200a\u202f\u205f\u3000"  # no-break, en/em, thin, ideographic spaces
        "\u2028\u2029"  # line and paragraph separators
        "\t"  # tab is not in GSM-7
    ),
    # Invisible characters are dropped (not ZWJ: it holds emoji sequences
    # together, and those are UCS-2 anyway).
    "": "\u200b\u2060\ufeff\u00ad",
    "/": "\u00f7\u2044\u2215\u29f8\uff0f\u0337\u0338",
    "\\": "\u29f5\u29f9\ufe68\uff3c\u20e5",
    "1/4": "\u00bc",
    "1/2": "\u00bd",
    "3/4": "\u00be",
    "_": "\u0332\uff3f\u2017",
    "|": "\u2223\uff5c\u23b8\u23b9\u23d0\u239c\u239f\u20d2\u20d3",
    "@": "\ufe6b\uff20",
    "$": "\ufe69\uff04",
    "!": "\u01c3\ufe15\ufe57\uff01",
    "#": "\ufe5f\uff03",
    "%": "\ufe6a\uff05",
    "&": "\ufe60\uff06",
    ",": "\u0326\ufe50\ufe51\uff0c\uff64\u3001",
    "(": "\u2768\u276a\ufe59\uff08\u27ee\u2985",
    ")": "\u2769\u276b\ufe5a\uff09\u27ef\u2986",
    "*": (
        "\u204e\u2217\u229b\u2722\u2723\u2724\u2725\u2731\u2732\u2733\u273a"
        "\u273b\u273c\u273d\u2743\u2749\u274a\u274b\u29c6\ufe61\uff0a"
    ),
    "+": "\u02d6\ufe62\uff0b",
    ".": "\u3002\ufe52\uff0e\uff61",
    ":": "\u02d0\u02f8\u2982\ua789\ufe13\uff1a",
    ";": "\u204f\ufe14\ufe54\uff1b",
    "=": "\u0347\ua78a\ufe66\uff1d",
    "?": "\ufe16\ufe56\uff1f",
    "^": "\u02c6\u0302\uff3e\u1dcd",
    "{": "\u2774\ufe5b\uff5b",
    "}": "\u2775\ufe5c\uff5d",
    "[": "\uff3b",
    "]": "\uff3d",
    "~": "\u02dc\u02f7\u0303\u0330\u0334\u223c\uff5e",
}

# Fullwidth digits and capitals, and small-capital letters, become ASCII.
_SMART_ENCODING_LETTERS = {
    **{chr(0xFF10 + i): str(i) for i in range(10)},
    **{chr(0xFF21 + i): chr(ord("A") + i) for i in range(26)},
    **dict(
        zip(
            "\u1d00\u0299\u1d04\u1d05\u1d07\ua730\u0262\u029c\u026a\u1d0a\u1d0b"
            "\u029f\u1d0d\u0274\u1d0f\u1d18\u0280\ua731\u1d1b\u1d1c\u1d20\u1d21"
            "\u028f\u1d22",
            "ABCDEFGHIJKLMNOPRSTUVWYZ",
            strict=True,
        )
    ),
}

SMART_ENCODING_MAP = {
    **{
        char: target
        for target, chars in _SMART_ENCODING_GROUPS.items()
        for char in chars
    },
    **_SMART_ENCODING_LETTERS,
}
_SMART_ENCODING_TABLE = str.maketrans(SMART_ENCODING_MAP)


@dataclass(frozen=True)
class SegmentInfo:
    """How a body is encoded and billed."""

    encoding: str  # GSM7 or UCS2
    segments: int  # 0 for an empty body
    characters: int  # code points, what the 1,600 limit counts
    units: int  # septets (GSM-7) or UTF-16 code units (UCS-2)
    unicode_characters: tuple[str, ...]  # characters that forced UCS-2
    per_segment: int  # capacity of one segment of this message


def smart_encode(body: str) -> str:
    """Return ``body`` with Twilio Smart Encoding replacements applied."""
    return (body or "").translate(_SMART_ENCODING_TABLE)


def _gsm7_units(char: str) -> int:
    return 2 if char in GSM7_EXTENSION else 1


def _ucs2_units(char: str) -> int:
    # Astral code points are a surrogate pair in UTF-16.
    return 2 if ord(char) > 0xFFFF else 1


def _pack(units: list[int], capacity: int) -> int:
    """Number of parts holding ``units`` in order, none of them split."""
    parts, used = 1, 0
    for size in units:
        if used + size > capacity:
            parts += 1
            used = 0
        used += size
    return parts


def count_segments(body: str, smart_encoding: bool = False) -> SegmentInfo:
    """Describe how Twilio encodes and splits ``body``.

    With ``smart_encoding``, the body is first transformed by
    :func:`smart_encode` and the result is what is counted.
    """
    body = body or ""
    if smart_encoding:
        body = smart_encode(body)
    gsm_chars = GSM7_BASIC | GSM7_EXTENSION
    unicode_characters = tuple(dict.fromkeys(c for c in body if c not in gsm_chars))
    if unicode_characters:
        encoding, single, multi = UCS2, UCS2_SINGLE, UCS2_MULTI
        units = [_ucs2_units(c) for c in body]
    else:
        encoding, single, multi = GSM7, GSM7_SINGLE, GSM7_MULTI
        units = [_gsm7_units(c) for c in body]
    total = sum(units)
    if not body:
        segments = 0
    elif total <= single:
        segments = 1
    else:
        segments = _pack(units, multi)
    return SegmentInfo(
        encoding=encoding,
        segments=segments,
        characters=len(body),
        units=total,
        unicode_characters=unicode_characters,
        per_segment=multi if segments > 1 else single,
    )
