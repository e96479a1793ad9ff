# Part of sms_twilio_gateway. License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Inbound keyword recognition: whole message, any case, Twilio's lists."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tools.keywords import (
    HELP_KEYWORDS,
    OPT_IN_KEYWORDS,
    OPT_OUT_KEYWORDS,
    classify,
    parse_keyword_list,
)


def test_default_lists():
    assert OPT_OUT_KEYWORDS == (
        "STOP",
        "STOPALL",
        "UNSUBSCRIBE",
        "CANCEL",
        "END",
        "QUIT",
        "REVOKE",
        "OPTOUT",
    )
    assert OPT_IN_KEYWORDS == ("START", "YES", "UNSTOP")
    assert HELP_KEYWORDS == ("HELP", "INFO")


def _variants(keyword):
    return [
        keyword,
        keyword.lower(),
        keyword.title(),
        keyword[0].lower() + keyword[1:],
        f"  {keyword.lower()} \n",
        f"\t{keyword}\r\n",
        f"\u200b{keyword}",  # zero-width space pasted in front
    ]


@pytest.mark.parametrize(
    "keywords, expected",
    [
        (OPT_OUT_KEYWORDS, "opt_out"),
        (OPT_IN_KEYWORDS, "opt_in"),
        (HELP_KEYWORDS, "help"),
    ],
)
def test_every_keyword_in_any_case(keywords, expected):
    for keyword in keywords:
        for body in _variants(keyword):
            assert classify(body) == expected, repr(body)


@pytest.mark.parametrize(
    "body",
    [
        None,
        "",
        "   ",
        "\n",
        "Stop it",
        "please stop",
        "STOP PLEASE",
        "STOPP",
        "stops",
        "STOP ALL",
        "stop stop",
        "S T O P",
        "ST.OP",
        "ST0P",
        "endless",
        "The end",
        "cancel my appointment",
        "Yes please",
        "helpful",
        "!!!",
        "...",
        "😀",
    ],
)
def test_look_alikes_are_ordinary_messages(body):
    assert classify(body) is None


@pytest.mark.parametrize(
    "body, expected",
    [
        # Opt-out and help ignore punctuation around the word.
        ("STOP!", "opt_out"),
        ("Stop.", "opt_out"),
        ("stop!!!", "opt_out"),
        ("¡STOP!", "opt_out"),
        ('"stop"', "opt_out"),
        ("STOP !", "opt_out"),
        ("Unsubscribe.", "opt_out"),
        ("HELP?", "help"),
        ("Info.", "help"),
        # Opt-in must be exact.
        ("Start!", None),
        ("Yes.", None),
        ("YES!", None),
        ("unstop?", None),
        # UNSTOP is not STOP.
        ("UNSTOP", "opt_in"),
    ],
)
def test_punctuation(body, expected):
    assert classify(body) == expected


def test_custom_lists_replace_the_defaults():
    opt_out = parse_keyword_list("ARRÊT, STOP")
    assert classify("arrêt", opt_out=opt_out) == "opt_out"
    assert classify("Arrêt !", opt_out=opt_out) == "opt_out"
    # Decomposed accent (e + combining circumflex), as some phones send it.
    assert classify("arre\u0302t", opt_out=opt_out) == "opt_out"
    # Without the accent it is another word.
    assert classify("arret", opt_out=opt_out) is None
    # Replaced, not added to: QUIT is no longer an opt-out keyword.
    assert classify("QUIT", opt_out=opt_out) is None
    assert classify("aide", help=("AIDE",)) == "help"
    assert classify("HELP", help=("AIDE",)) is None
    assert classify("oui", opt_in=("OUI",)) == "opt_in"
    # Case folding: ß folds to ss.
    assert classify("SCHLUSS", opt_out=("Schluß",)) == "opt_out"
    # Empty lists and empty entries match nothing.
    assert classify("STOP", opt_out=(), opt_in=(), help=()) is None
    assert classify("", opt_out=("",)) is None


def test_opt_out_wins_over_other_lists():
    assert (
        classify("END", opt_out=("END",), opt_in=("END",), help=("END",)) == "opt_out"
    )
    assert classify("YES", opt_in=("YES",), help=("YES",)) == "opt_in"


def test_custom_keyword_with_punctuation():
    assert classify("opt-out", opt_out=("OPT-OUT",)) == "opt_out"
    assert classify("Opt-out!", opt_out=("OPT-OUT",)) == "opt_out"


@pytest.mark.parametrize(
    "text, expected",
    [
        ("STOP, Arrêt\nQUIT", ("STOP", "ARRÊT", "QUIT")),
        ("stop, STOP, Stop", ("STOP",)),
        ("  help ;info\r\n\nHELP", ("HELP", "INFO")),
        ("a,,b, ,\n\nc", ("A", "B", "C")),
        ("opt-out, stop all", ("OPT-OUT", "STOP ALL")),
        ("", ()),
        (None, ()),
        (" , ;\n", ()),
    ],
)
def test_parse_keyword_list(text, expected):
    assert parse_keyword_list(text) == expected


# Property-based checks.

words = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=10)


@settings(max_examples=100, deadline=None)
@given(st.sampled_from(OPT_OUT_KEYWORDS + OPT_IN_KEYWORDS + HELP_KEYWORDS), words)
def test_a_keyword_with_another_word_is_not_a_keyword(keyword, word):
    assert classify(f"{keyword} {word}") is None
    assert classify(f"{word} {keyword}") is None


@settings(max_examples=100, deadline=None)
@given(
    st.sampled_from(OPT_OUT_KEYWORDS),
    st.lists(st.booleans(), min_size=11, max_size=11),
    st.text(alphabet=" \t\n", max_size=3),
)
def test_opt_out_in_mixed_case(keyword, upper, space):
    mixed = "".join(
        c.upper() if u else c.lower() for c, u in zip(keyword, upper, strict=False)
    )
    assert classify(space + mixed + space) == "opt_out"


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=30))
def test_parse_keyword_list_is_stable(text):
    keywords = parse_keyword_list(text)
    assert len(set(keywords)) == len(keywords)
    assert all(keyword and keyword == keyword.strip() for keyword in keywords)
    assert parse_keyword_list(", ".join(keywords)) == keywords
