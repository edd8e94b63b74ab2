"""The injection corpus: strings a hostile or broken server (or a careless paste) could hand us.

Each payload has a short name and a `dangerous` list: the exact substrings that must never reach
a terminal or a file as they are (the escape sequence itself, a raw C1 byte, a bidi override).
Markup-only payloads have nothing dangerous at the byte level; for them the test is that the app
neither crashes nor interprets them (the text must show literally).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from appizer_tui.api.urls import InvalidCampaignIdError, validate_campaign_id


@dataclass(frozen=True)
class Payload:
    """One hostile string and the raw fragments of it that must never be written out."""

    name: str
    text: str
    dangerous: tuple[str, ...] = ()


ESC = "\x1b"
BEL = "\x07"
ST = ESC + "\\"

PAYLOADS: tuple[Payload, ...] = (
    # Rich / Textual markup: must never be parsed.
    Payload("close_tag", "camp [/] x"),
    Payload("bare_close", "[/]"),
    Payload("open_close", "camp [/ launch"),
    Payload("bare_open", "[/"),
    Payload("bold", "[bold red]ALERT[/bold red]"),
    Payload("link", "[link=https://evil.test]click me[/link]"),
    Payload("link_id", "[link=https://evil.test]x[/link]"),
    Payload("click_quit", "[@click=app.quit]quit[/]"),
    Payload("click_id", "[@click=app.quit]"),
    Payload("click_bell", "[@click=app.bell]bell[/]"),
    Payload("variable", "$text-error $accent [$x]"),
    Payload("backslash", "\\[escaped] \\"),
    Payload("unbalanced", "[[[[[[[[[["),
    Payload("style_on", "[on red]"),
    Payload("emoji_markup", ":warning: :smiley:"),
    # Escape sequences and controls. Each sequence is followed by a marker word, so that the raw
    # sequence-plus-marker can be told apart from the terminal codes the app itself writes.
    Payload("csi_clear", ESC + "[2JCLR01" + ESC + "[HHOME01", (ESC + "[2JCLR01", ESC + "[HHOME01")),
    Payload("csi_colour", ESC + "[31;1mRED02" + ESC + "[0m", (ESC + "[31;1mRED02",)),
    Payload("csi_cursor", "ok" + ESC + "[1AUP03" + ESC + "[2KERASE03", (ESC + "[1AUP03",)),
    Payload("osc52", ESC + "]52;c;SU5KRUNURUQ=" + BEL, (ESC + "]52",)),
    Payload("osc52_st", ESC + "]52;p;SU5KRUNURUQ=" + ST, (ESC + "]52",)),
    Payload(
        "osc8",
        ESC + "]8;;https://evil.test" + ST + "LINK05" + ESC + "]8;;" + ST,
        (ESC + "]8;;https",),
    ),
    Payload("osc0_title", ESC + "]0;PWNED06" + BEL, (ESC + "]0;PWNED06",)),
    Payload("osc2_title", ESC + "]2;PWNED07" + ST, (ESC + "]2;PWNED07",)),
    Payload("dcs", ESC + "P1$tDCS08" + ST, (ESC + "P1$tDCS08",)),
    Payload("apc", ESC + "_Gf=100;APC09" + ST, (ESC + "_Gf=100;APC09",)),
    Payload("pm_sos", ESC + "^PM10" + ST + ESC + "XSOS10" + ST, (ESC + "^PM10", ESC + "XSOS10")),
    Payload("c1_csi", "\x9b2JC1CSI11\x9b31m", ("\x9b",)),
    Payload("c1_osc", "\x9d0;C1OSC12\x07", ("\x9d",)),
    Payload("c1_dcs", "\x90qC1DCS13\x9c", ("\x90", "\x9c")),
    Payload("esc_alone", "TRAILING14" + ESC, ("TRAILING14" + ESC,)),
    Payload("bel_bs", "BELL15\x07back\x08\x08\x08", ("BELL15\x07",)),
    Payload("nul_del", "NUL16\x00del\x7f", ("NUL16\x00", "\x7f")),
    Payload("cr_overwrite", "harmless\rEVIL17", ("\rEVIL17",)),
    Payload("newlines", "line1\nLINE18\r\nline3\tTAB18", ("\nLINE18", "\tTAB18")),
    Payload("vt_ff", "a\x0bVT19\x0cFF19", ("\x0bVT19", "\x0cFF19")),
    Payload("keypad", ESC + "=KP20" + ESC + "7SAVE20", (ESC + "=KP20", ESC + "7SAVE20")),
    Payload("alt_screen", ESC + "[?1049lALT21" + ESC + "[?25lCUR21", (ESC + "[?1049lALT21",)),
    Payload("mouse_report", ESC + "[?1000hMOUSE22", (ESC + "[?1000hMOUSE22",)),
    # Unicode that reorders or hides what a reader sees.
    Payload("bidi_rlo", "invoice\u202efdp.exe", ("\u202e",)),
    Payload("bidi_lro", "a\u202db\u202c", ("\u202d", "\u202c")),
    Payload("bidi_isolates", "\u2066x\u2069\u2067y\u2068z", ("\u2066", "\u2067")),
    Payload("bidi_marks", "a\u200eb\u200fc\u061cd", ("\u200e", "\u200f", "\u061c")),
    Payload("line_separators", "LS\u2028PS\u2029NEL\x85", ("\u2028", "\u2029", "\x85")),
    # Size and width.
    Payload("long_line", "A" * 10_000),
    Payload("long_markup", "[b]" * 3_000),
    Payload("wide_emoji", "\U0001f680\U0001f525\U0001f468\u200d\U0001f469\u200d\U0001f467" * 3),
    Payload("wide_id", "\U0001f680\u5b89\u5168\U0001f525"),
    Payload("combining", "e\u0301" * 50 + "\u0338" * 20),
    Payload("zero_width", "a\u200bb\u200dc\ufeffd"),
    Payload("cjk", "\u30ad\u30e3\u30f3\u30da\u30fc\u30f3" * 20),
    Payload("surrogate_like", "\ufffd\uffff"),
    Payload("max_id", "i" * 128),
    # Spreadsheet formulas (exports): the cell must never start with the operator.
    Payload("formula_eq", '=HYPERLINK("https://evil.test")'),
    Payload("formula_plus", "+1+cmd|' /C calc'!A0"),
    Payload("formula_at", "@SUM(1+1)*cmd"),
)

assert len(PAYLOADS) >= 40
assert len({p.name for p in PAYLOADS}) == len(PAYLOADS)


def _sendable(text: str) -> bool:
    try:
        validate_campaign_id(text)
    except InvalidCampaignIdError:
        return False
    return True


ID_PAYLOADS = tuple(p for p in PAYLOADS if _sendable(p.text))
"""Payloads the client accepts as campaign ids (printable, no spaces or '/', at most 128)."""


def by_name(name: str) -> Payload:
    """The payload called `name`."""
    for payload in PAYLOADS:
        if payload.name == name:
            return payload
    raise KeyError(name)


def marker_fragments() -> set[str]:
    """Every payload's dangerous fragments (each a raw sequence with its marker word)."""
    return {fragment for payload in PAYLOADS for fragment in payload.dangerous}


C1 = {chr(c) for c in range(0x80, 0xA0)}
BIDI = {"\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068"}
BIDI |= {"\u2069", "\u200e", "\u200f", "\u061c"}
_BIDI_CLASS = "\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c\u2028\u2029"
UNSAFE_IN_FILES = re.compile(f"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f{_BIDI_CLASS}]")
"""Any character but tab, LF and CR below 0x20, DEL, C1, bidi controls."""
UNSAFE_ON_TERMINALS = re.compile(f"[\x00\x7f-\x9f{_BIDI_CLASS}]")
"""What the app itself never writes to a terminal: NUL, DEL, C1, bidi controls."""


def file_leaks(text: str) -> list[str]:
    """What must never be in a file, a pipe or a log: any ESC, C0 control but tab, newline and
    CR (CSV rows end in CRLF), DEL, C1 control or bidi control, and every payload fragment."""
    found = set(UNSAFE_IN_FILES.findall(text))
    if found or "\x1b" in text:
        found |= {f for f in marker_fragments() if f in text and f != "\rEVIL17"}
    return sorted(repr(f) for f in found)


def terminal_leaks(text: str) -> list[str]:
    """What must never reach a terminal from the data: the payloads' raw sequences (the app's
    own escape codes are allowed; the marker after each payload sequence tells them apart), C1
    and bidi controls, NUL and DEL."""
    found = {f for f in marker_fragments() if f in text}
    found |= set(UNSAFE_ON_TERMINALS.findall(text))
    return sorted(repr(f) for f in found)


def string_sequences(text: str) -> list[str]:
    """Every OSC, DCS, APC, PM and SOS string sequence in `text` (ESC-introduced or C1): the
    kinds that can set titles, write the clipboard, make links or talk to the terminal."""
    pattern = re.compile(r"(?:\x1b[\]P_^X]|[\x9d\x90\x9f\x9e\x98])[^\x07\x1b\x9c]{0,200}")
    return pattern.findall(text)
