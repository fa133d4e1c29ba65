"""Text helpers the renderers share. They shape text for a format; they decide nothing."""

import re

# What XML 1.0 allows (Char production): tab, newline, carriage return, and the ranges
# below. Everything else (NUL, ESC, other C0 controls, lone surrogates, U+FFFE/U+FFFF) is
# dropped: learner output can hold any of them, and one would make a whole file unreadable.
_NOT_XML_CHAR = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


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
