# Part of sms_twilio_gateway. License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Segment counting against hand-checked vectors and Twilio's packing rules."""

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tools.segments import (
    GSM7_BASIC,
    GSM7_EXTENSION,
    MAX_BODY_CHARS,
    SMART_ENCODING_MAP,
    SegmentInfo,
    count_segments,
    smart_encode,
)

GSM_ALL = sorted(GSM7_BASIC | GSM7_EXTENSION)
EMOJI = "\U0001f600"  # 😀, a surrogate pair in UTF-16


@pytest.mark.parametrize(
    "body, encoding, segments, units, per_segment",
    [
        ("", "GSM-7", 0, 0, 160),
        ("a", "GSM-7", 1, 1, 160),
        ("a" * 160, "GSM-7", 1, 160, 160),
        ("a" * 161, "GSM-7", 2, 161, 153),
        ("a" * 306, "GSM-7", 2, 306, 153),
        ("a" * 307, "GSM-7", 3, 307, 153),
        ("a" * 1600, "GSM-7", 11, 1600, 153),
        ("ł" * 70, "UCS-2", 1, 70, 70),
        ("ł" * 71, "UCS-2", 2, 71, 67),
        ("ł" * 134, "UCS-2", 2, 134, 67),
        ("ł" * 135, "UCS-2", 3, 135, 67),
        ("ł" * 1600, "UCS-2", 24, 1600, 67),
        ("€", "GSM-7", 1, 2, 160),
        ("€" * 80, "GSM-7", 1, 160, 160),
        # 81 € = 162 septets; a part holds 76 of them (152 septets).
        ("€" * 81, "GSM-7", 2, 162, 153),
        ("a" * 159 + "€", "GSM-7", 2, 161, 153),
        (EMOJI, "UCS-2", 1, 2, 70),
        (EMOJI * 35, "UCS-2", 1, 70, 70),
        # 36 emoji = 72 units; a part holds 33 of them (66 units), then 3.
        (EMOJI * 36, "UCS-2", 2, 72, 67),
    ],
)
def test_vectors(body, encoding, segments, units, per_segment):
    info = count_segments(body)
    assert (info.encoding, info.segments, info.units, info.per_segment) == (
        encoding,
        segments,
        units,
        per_segment,
    )


def test_extension_character_never_straddles_a_part():
    # 306 septets would fit two parts of 153 if "€" could be split: it cannot,
    # so part 1 holds 152 "a", part 2 "€" + 151 "a", part 3 the last "a".
    body = "a" * 152 + "€" + "a" * 152
    info = count_segments(body)
    assert info.units == 306
    assert info.segments == 3
    # One "a" less at the end and it fits two parts.
    assert count_segments(body[:-1]).segments == 2
    # Moved one septet earlier, "€" fits part 1 exactly.
    assert count_segments("a" * 151 + "€" + "a" * 153).segments == 2


def test_surrogate_pair_never_straddles_a_part():
    # 134 units would fit two parts of 67 if the emoji could be split.
    body = "ł" * 66 + EMOJI + "ł" * 66
    info = count_segments(body)
    assert (info.encoding, info.units, info.characters) == ("UCS-2", 134, 133)
    assert info.segments == 3
    assert count_segments("ł" * 65 + EMOJI + "ł" * 67).segments == 2


def test_characters_count_code_points():
    info = count_segments(EMOJI + "€a")
    assert info.characters == 3
    assert info.units == 4  # UCS-2: 2 + 1 + 1
    assert MAX_BODY_CHARS == 1600


def test_unicode_characters_in_order_of_first_appearance():
    info = count_segments(f"Hi {EMOJI}, ł and {EMOJI} again ł")
    assert info.unicode_characters == (EMOJI, "ł")
    assert count_segments("Plain text €").unicode_characters == ()


def test_gsm7_tables():
    assert len(GSM7_BASIC) == 127  # 128 positions minus ESC
    assert len(GSM7_EXTENSION) == 10
    for char in "@£$¥èéùìòÇØøÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ¤¡ÄÖÑÜ§¿äöñüà\n\r ":
        assert char in GSM7_BASIC, char
    for char in "^{}\\[~]|€\x0c":
        assert char in GSM7_EXTENSION, char
    # Look-alikes that are not GSM-7 and force UCS-2.
    for char in "çáÁ`\t\x1błó’“—":
        assert count_segments(char).encoding == "UCS-2", char


def test_smart_encoding_replacements():
    body = "“Hello” — it’s «great»… ‹ok›\u00a0ＡＢ１２"
    assert smart_encode(body) == '"Hello" - it\'s "great"... <ok> AB12'
    plain = count_segments(body)
    assert plain.encoding == "UCS-2"
    assert plain.unicode_characters == (
        "“",
        "”",
        "—",
        "’",
        "«",
        "»",
        "…",
        "‹",
        "›",
        "\u00a0",
        "Ａ",
        "Ｂ",
        "１",
        "２",
    )
    smart = count_segments(body, smart_encoding=True)
    assert smart == SegmentInfo("GSM-7", 1, 35, 35, (), 160)


def test_smart_encoding_keeps_what_it_cannot_replace():
    assert smart_encode(f"Café {EMOJI} ł") == f"Café {EMOJI} ł"
    info = count_segments(f"“Hi” {EMOJI}", smart_encoding=True)
    assert info.encoding == "UCS-2"
    assert info.unicode_characters == (EMOJI,)
    # Zero-width characters disappear, the emoji joiner stays.
    assert smart_encode("a\u200bb\ufeff") == "ab"
    assert smart_encode("\u200d") == "\u200d"


def test_smart_encoding_table_only_produces_gsm7():
    gsm = GSM7_BASIC | GSM7_EXTENSION
    for source, target in SMART_ENCODING_MAP.items():
        assert source not in gsm, repr(source)
        assert all(char in gsm for char in target), (source, target)


# Property-based checks.

gsm_text = st.text(alphabet=st.sampled_from(GSM_ALL), max_size=400)
any_text = st.text(max_size=400)


def _part_units(char, encoding):
    if encoding == "GSM-7":
        return 2 if char in GSM7_EXTENSION else 1
    return len(char.encode("utf-16-le")) // 2


@settings(max_examples=150, deadline=None)
@given(any_text, st.characters())
def test_appending_never_reduces_segments(body, char):
    assert count_segments(body + char).segments >= count_segments(body).segments


@settings(max_examples=150, deadline=None)
@given(gsm_text)
def test_gsm_text_is_gsm7(body):
    info = count_segments(body)
    assert info.encoding == "GSM-7"
    assert info.unicode_characters == ()
    assert info.units == len(body) + sum(char in GSM7_EXTENSION for char in body)


@settings(max_examples=200, deadline=None)
@given(st.one_of(gsm_text, any_text))
def test_segment_bounds(body):
    info = count_segments(body)
    single = 160 if info.encoding == "GSM-7" else 70
    assert info.characters == len(body)
    assert info.units == sum(_part_units(char, info.encoding) for char in body)
    assert (info.segments == 1) == (0 < info.units <= single)
    assert (info.segments == 0) == (body == "")
    if info.segments > 1:
        # Enough room for every unit, and no part wasted more than the one
        # unit a pair can leave behind.
        assert info.segments >= math.ceil(info.units / info.per_segment)
        assert info.units > (info.segments - 1) * (info.per_segment - 1)
    if info.encoding == "UCS-2":
        assert info.unicode_characters
        assert set(info.unicode_characters) == {
            char for char in body if char not in GSM7_BASIC | GSM7_EXTENSION
        }


@settings(max_examples=100, deadline=None)
@given(any_text)
def test_every_part_fits(body):
    """Split the body greedily by hand: each part fits, none splits a char."""
    info = count_segments(body)
    if info.segments < 2:
        return
    parts, current, used = [], [], 0
    for char in body:
        size = _part_units(char, info.encoding)
        if used + size > info.per_segment:
            parts.append(current)
            current, used = [], 0
        current.append(char)
        used += size
    parts.append(current)
    assert len(parts) == info.segments
    assert "".join("".join(part) for part in parts) == body
    for part in parts:
        assert sum(_part_units(c, info.encoding) for c in part) <= info.per_segment


@settings(max_examples=100, deadline=None)
@given(any_text)
def test_smart_encode_is_idempotent_and_counted(body):
    once = smart_encode(body)
    assert smart_encode(once) == once
    assert count_segments(body, smart_encoding=True) == count_segments(once)
