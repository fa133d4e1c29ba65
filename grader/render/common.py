"""Text helpers the renderers share. They shape text for a format; they decide nothing.

Learner code controls much of a result's text (exception messages, response bodies, the
notices of its imports). ``inert`` is what every renderer a person reads (the terminal, the
Markdown summary, JUnit, Gradescope) applies to such text first, so a message cannot move the
cursor, erase a line, set the window title or draw a "Total: 100 / 100" of its own. The kit's
own JSON (``grade --json``) keeps the text as it is: json escapes every control character.
"""

import re

# What XML 1.0 allows (Char production): tab, newline, carriage return, and the ranges
# below. Everything else (NUL, ESC, other C0 controls, lone surrogates, U+FFFE/U+FFFF) is
# dropped: learner output can hold any of them, and one would make a whole file unreadable.
_NOT_XML_CHAR = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


# Terminal escape sequences (ECMA-48), each removed whole so no parameter is left behind:
#   CSI  ESC [ or C1 0x9b, parameter bytes, intermediate bytes, a final byte ("ESC[2K", "ESC[1A")
#   OSC, DCS, SOS, PM, APC  (ESC ] P X ^ _, or C1 0x9d 0x90 0x98 0x9e 0x9f) up to BEL or ST
#        (ESC backslash, or C1 0x9c); unterminated, up to the end of the line ("ESC]0;title BEL")
#   any other ESC, its intermediate bytes and its final byte ("ESC 7", "ESC ( B", "ESC c")
_ESCAPE_SEQUENCE = re.compile(
    r"(?:\x1b\[|\x9b)[\x30-\x3f]*[\x20-\x2f]*[\x40-\x7e]?"
    r"|(?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])[^\x07\x1b\x9c\n]*(?:\x07|\x1b\\|\x9c)?"
    r"|\x1b[\x20-\x2f]*[\x30-\x7e]?"
)
# The controls left: C0 but tab and newline (carriage return too: it can overwrite a line),
# DEL, and C1.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def inert(text: str) -> str:
    """``text`` without terminal escape sequences and control characters but newline and tab:
    shown anywhere, it is only text. (For rich, pass it as ``Text``, never as markup.)"""
    return _CONTROL.sub("", _ESCAPE_SEQUENCE.sub("", text))


def clean(text: str) -> str:
    """``text`` without the characters XML 1.0 forbids (also the safe choice for JSON and Markdown)."""
    return _NOT_XML_CHAR.sub("", text)


def cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit] + " [... cut]"


def points(value: float) -> str:
    return f"{value:g}"


def first_line(text: str, limit: int) -> str:
    line = text.strip().splitlines()[0] if text.strip() else ""
    return cut(line, limit)
