"""Neutralise untrusted text before it reaches a terminal, a file or a widget.

Text that comes from outside the program (the Knowledge server, project files) is data. A
terminal would act on escape sequences inside it: clear the screen (``ESC [2J``), set the
clipboard (OSC 52), retitle the window, or hide text with a carriage return. ``clean_text``
removes all of that and keeps everything else verbatim, including brackets: Rich markup such
as ``[bold]`` stays literal text, because the UI renders it with ``rich.text.Text``.

Pure standard library; no Textual or Rich imports, so headless code can reuse it.
"""

from __future__ import annotations

import re

__all__ = ["ELLIPSIS", "CleanStream", "clean_text"]

ELLIPSIS = "…"

# Escape sequences, in both their 7-bit (ESC x) and 8-bit (C1 code point) forms.
# String-type sequences (OSC, DCS, SOS, PM, APC) run until their terminator (BEL or ST);
# an unterminated one is removed up to the next ESC/BEL or the end of the text, because a
# terminal would swallow that text too.
_STRING_SEQ = r"(?:\x1b[\]PX^_]|[\x9d\x90\x98\x9e\x9f])[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"
# CSI: ESC [ or 0x9b, parameter bytes, intermediate bytes, one final byte.
_CSI_SEQ = r"(?:\x1b\[|\x9b)[\x30-\x3f]*[\x20-\x2f]*[\x40-\x7e]?"
# Other escapes: ESC, optional intermediates, one final byte (e.g. ESC c = full reset,
# ESC ( B = charset selection).
_OTHER_ESC = r"\x1b[\x20-\x2f]*[\x30-\x7e]?"
_ESCAPES = re.compile(f"{_STRING_SEQ}|{_CSI_SEQ}|{_OTHER_ESC}")

# Whatever control characters are left: C0 except \t and \n, DEL, C1; lone UTF-16
# surrogates (JSON may carry "\ud800"; printing one raises UnicodeEncodeError); and the
# bidirectional overrides, embeddings and isolates, which reorder what a line shows
# ("Trojan Source"), so a file name or value could read as something it is not.
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")

#: Anything `clean_text` would change (a fast test for the screen's line filter).
_ANY_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def has_controls(text: str) -> bool:
    """Whether `text` holds a control character, escape, lone surrogate or bidi override."""
    return _ANY_CONTROL.search(text) is not None


# A word boundary this close to the cut is worth backing up to.
_WORD_SLACK = 20


def clean_text(s: object, max_len: int | None = None) -> str:
    """Return ``s`` as plain, terminal-safe text, truncated to at most ``max_len`` characters.

    - ``None`` becomes ``""``; other non-strings are converted with ``str()``.
    - ANSI/VT escape sequences (CSI, OSC such as OSC 52 clipboard writes, DCS, APC, ...) are
      removed whole, in their 7-bit and 8-bit forms.
    - ``\\r\\n`` and lone ``\\r`` become ``\\n`` (a bare carriage return could overwrite the
      line on a terminal); every other C0/C1 control character and DEL is removed, keeping
      ``\\n`` and ``\\t``.
    - Brackets and Rich markup are kept verbatim.
    - With ``max_len``, text longer than that is cut (at a word boundary when one is near)
      and ends with "…"; the result is never longer than ``max_len``.
    """
    if s is None:
        return ""
    text = s if isinstance(s, str) else str(s)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _ESCAPES.sub("", text)
    text = _CONTROLS.sub("", text)
    if max_len is not None:
        text = truncate(text, max_len)
    return text


def truncate(text: str, max_len: int) -> str:
    """Cut ``text`` to at most ``max_len`` characters, ending with "…" when it was cut."""
    if max_len <= 0:
        return ""
    if len(text) <= max_len:
        return text
    if max_len == 1:
        return ELLIPSIS
    cut = text[: max_len - 1]
    if not text[max_len - 1].isspace():
        # The cut falls inside a word: back up to the previous space if one is close.
        space = max(cut.rfind(" "), cut.rfind("\n"), cut.rfind("\t"))
        if space > 0 and space >= len(cut) - min(_WORD_SLACK, len(cut) // 4):
            cut = cut[:space]
    return cut.rstrip() + ELLIPSIS


class CleanStream:
    """A text stream that passes everything written through `clean_text`: the one path from
    the headless verbs to the terminal (`aiwf_tui.cli` puts it over stdout and stderr), so no
    message, diff or listing can carry an escape sequence, whoever printed it."""

    def __init__(self, stream) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        self._stream.write(clean_text(text))
        return len(text)

    def writelines(self, lines) -> None:
        for line in lines:
            self.write(line)

    def __getattr__(self, name: str):  # flush, fileno, isatty, encoding, buffer, ...
        return getattr(self._stream, name)
