"""Nothing from a pack may reach the terminal as an escape sequence or control character.

Textual and Rich strip only BEL, BS, VT, FF and CR; an OSC 52 in a note would write the
user's clipboard and a CSI 2J would clear their screen. `sanitize` is the one gate.
"""

from __future__ import annotations

import pytest

from reader.sanitize import sanitize, sanitize_line

ESC = "\x1b"
ST = ESC + "\\"
STRING_STARTERS = (0x90, 0x98, 0x9D, 0x9E, 0x9F)  # 8-bit DCS, SOS, OSC, PM, APC

HOSTILE = {
    "CSI clear screen": ESC + "[2J",
    "CSI cursor home": ESC + "[H",
    "CSI SGR colour": ESC + "[1;31m",
    "CSI private mode": ESC + "[?1049h",
    "CSI device status report": ESC + "[6n",
    "OSC 0 title, BEL": ESC + "]0;owned title\x07",
    "OSC 2 title, ST": ESC + "]2;owned title" + ST,
    "OSC 8 hyperlink": ESC + "]8;;https://evil.example/" + ST,
    "OSC 52 clipboard, BEL": ESC + "]52;c;ZWNobyBwd25lZA==\x07",
    "OSC 52 clipboard, ST": ESC + "]52;c;ZWNobyBwd25lZA==" + ST,
    "DCS": ESC + "P+q544e" + ST,
    "APC": ESC + "_Gf=100;AAAA" + ST,
    "PM": ESC + "^private" + ST,
    "SOS": ESC + "Xstart of string" + ST,
    "8-bit CSI": "\x9b2J",
    "8-bit OSC": "\x9d0;title\x07",
    "8-bit OSC, 8-bit ST": "\x9d52;c;eA==\x9c",
    "8-bit DCS": "\x90q\x9c",
    "ESC charset": ESC + "(0",
    "ESC keypad": ESC + "=",
    "ESC reset": ESC + "c",
    "BEL": "\x07",
    "NUL": "\x00",
    "DEL": "\x7f",
    "backspace": "\x08",
    "vertical tab and form feed": "\x0b\x0c",
    "other C0": "\x01\x02\x03\x04\x05\x06\x0e\x0f\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1c",
    "C1 controls": "".join(chr(c) for c in range(0x80, 0xA0) if c not in STRING_STARTERS),
    "line and paragraph separators": "\u2028\u2029",
}


@pytest.mark.parametrize("name", list(HOSTILE))
def test_hostile_sequences_are_removed_completely(name: str):
    payload = HOSTILE[name]
    assert sanitize(f"before{payload}after") == "beforeafter"
    assert sanitize_line(f"before {payload} after") == "before after"


def test_a_lone_esc_takes_its_final_byte_like_a_terminal():
    assert sanitize("before\x1b") == "before"
    assert sanitize("before\x1b\nafter") == "before\nafter"
    assert sanitize("a\x1bcb") == "ab", "ESC c (reset) is one sequence"


@pytest.mark.parametrize("starter", STRING_STARTERS)
def test_an_8_bit_string_sequence_runs_to_its_terminator(starter: int):
    assert sanitize(f"a{chr(starter)}payload\x9cb") == "ab"
    assert sanitize(f"a{chr(starter)}payload\x07b") == "ab"
    assert sanitize(f"a{chr(starter)}no end\nnext line") == "a\nnext line"


def test_whatever_is_left_has_no_controls_at_all():
    text = "".join(HOSTILE.values()) * 3 + "".join(chr(c) for c in range(0, 0xA0))
    clean = sanitize(text)
    assert all(ch in "\t\n" or (0x20 <= ord(ch) < 0x7F) or ord(ch) > 0x9F for ch in clean)
    assert sanitize(clean) == clean


def test_tab_and_newline_stay():
    assert sanitize("a\tb\nc\n") == "a\tb\nc\n"


def test_line_endings_become_newlines():
    assert sanitize("one\r\ntwo\r\n") == "one\ntwo\n"
    assert sanitize("old\rmac\r") == "old\nmac\n", "a lone CR must not glue lines together"


def test_an_unterminated_string_sequence_stops_at_its_line():
    """Regression: a stray `ESC ]` swallowed the whole rest of the file."""
    text = "one\x1b]0;no end here\ntwo\nthree\n"
    assert sanitize(text) == "one\ntwo\nthree\n"
    assert sanitize("a\x1b]52;c;\nb\x07c\n") == "a\nbc\n", "line count stays right"


def test_normal_unicode_is_untouched():
    text = (
        "Crème brûlée, naïve café. 湿疹とアトピー. 🩺🧴👩🏽‍⚕️ "
        "שלום עולם مرحبا بالعالم Ω≈ç√ ½ — “quotes”"
    )
    assert sanitize(text) == text
    assert sanitize(text + "\n" + text) == text + "\n" + text
    assert sanitize_line(text) == text


def test_sanitize_line_folds_whitespace():
    assert sanitize_line("  a\n\tb   c\r\n ") == "a b c"


def test_long_clean_text_is_returned_as_is():
    text = ("Plain paragraph text with no controls.\n" * 50_000) + "\t\n"
    assert sanitize(text) is text


# --------------------------------------------------------------------------- invisible characters
# Policy (reader/sanitize.py): bidi controls are shown as a visible ⟨U+XXXX⟩ placeholder,
# zero-width characters and the BOM are removed, the zero-width joiner stays (emoji
# sequences need it), line and paragraph separators are removed.

BIDI_CONTROLS = [0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2066, 0x2067, 0x2068, 0x2069,
                 0x200E, 0x200F, 0x061C]  # fmt: skip
ZERO_WIDTH = [0x200B, 0x200C, 0x2060, 0x2061, 0x2062, 0x2063, 0x2064, 0xFEFF]


@pytest.mark.parametrize("code", BIDI_CONTROLS, ids=lambda code: f"U+{code:04X}")
def test_bidi_controls_are_shown_not_obeyed(code: int):
    placeholder = f"⟨U+{code:04X}⟩"
    assert sanitize(f"abc{chr(code)}def") == f"abc{placeholder}def"
    assert sanitize_line(f" x {chr(code)} y ") == f"x {placeholder} y"
    assert sanitize(sanitize(f"a{chr(code)}b")) == sanitize(f"a{chr(code)}b"), "idempotent"


@pytest.mark.parametrize("code", ZERO_WIDTH, ids=lambda code: f"U+{code:04X}")
def test_zero_width_characters_are_removed(code: int):
    assert sanitize(f"ec{chr(code)}zema") == "eczema"
    assert sanitize_line(f"ec{chr(code)}zema ") == "eczema"


def test_a_byte_order_mark_at_the_start_is_removed():
    assert sanitize("\ufeff# Title\n") == "# Title\n"


def test_the_zero_width_joiner_stays_for_emoji_sequences():
    for text in ("👩\u200d⚕️", "👨\u200d👩\u200d👧", "می\u200cخواهم"):
        assert sanitize(text) == text
        assert sanitize_line(f" {text} ") == text


def test_a_joiner_next_to_ascii_joins_nothing_and_goes():
    assert sanitize("ec\u200dzema \u200c\u200dx") == "eczema x"
    assert sanitize("\u200d👩") == "👩"
    assert sanitize("👩\u200d") == "👩"


def test_a_trojan_source_line_shows_every_control():
    line = 'access = "user\u202e \u2066// admin\u2069 \u2066"'
    shown = sanitize(line)
    assert shown == 'access = "user⟨U+202E⟩ ⟨U+2066⟩// admin⟨U+2069⟩ ⟨U+2066⟩"'


def test_invisible_characters_in_a_long_text_are_found():
    """The fast path must not wave through a control hidden among clean UTF-8."""
    clean = "Crème brûlée — “quotes” ½ 湿疹. " * 2000
    for code in [*BIDI_CONTROLS, *ZERO_WIDTH, 0x2028, 0x2029, 0x85]:
        text = clean + chr(code) + clean
        assert chr(code) not in sanitize(text), f"U+{code:04X}"
    assert sanitize(clean) is clean


def test_look_alike_bytes_of_other_characters_are_left_alone():
    """UTF-8 bytes that resemble an invisible character's (the fast path's residue)
    belong to ordinary characters: the text comes back unchanged."""
    neighbours = [0x2027, 0x202F, 0x2030, 0x200A, 0x2010, 0x205F, 0x2070, 0x2071, 0x060C,
                  0x061B, 0x061F, 0xFEFB, 0xFEFC, 0xFFFC, 0x00A0, 0x00BB, 0x00BF]  # fmt: skip
    text = "x " + " ".join(chr(code) for code in neighbours) + " y"
    assert sanitize(text) == text
    assert sanitize_line(text) == " ".join(text.split()), "only the spaces are folded"


def test_clean_ascii_still_skips_the_slow_path(monkeypatch: pytest.MonkeyPatch):
    from reader import sanitize as module

    def refuse(*args: object, **kwargs: object):
        raise AssertionError("the slow path ran on clean text")

    monkeypatch.setattr(module, "_ESCAPES", type("P", (), {"sub": refuse, "search": refuse})())
    text = "Plain paragraph text.\n\tIndented.\n" * 1000
    assert sanitize(text) is text
