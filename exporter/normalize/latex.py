"""LaTeX in BibTeX field values, decoded to Unicode.

Follows the accent and symbol commands of LaTeX's text encoding (the LaTeX2e font
selection guide, https://www.latex-project.org/help/documentation/fntguide.pdf, and
"The Comprehensive LaTeX Symbol List", https://ctan.org/pkg/comprehensive) and BibTeX's
brace rules (https://www.tug.org/texinfohtml/bibtex.html, Tame the BeaST §11):

* accents in every spelling: ``\\"u``, ``\\"{u}``, ``{\\"u}``, ``{\\"{u}}``, ``\\'{\\i}``,
  ``\\c c``, ``\\v{s}``; symbols (``\\ss``, ``\\o``, ``\\ae``, ``\\textendash``, ...);
  ``--`` and ``---`` become en and em dashes, ``~`` a no-break space;
* math (``$...$``, ``\\(...\\)``) is left exactly as written, dollars included;
* a brace group at the outer level of a value that does not start with a command is
  *protected* (BibTeX styles will not change its case). With ``protect=True`` (titles)
  it is kept as CSL's ``<span class="nocase">...</span>``, the rich-text markup of CSL
  1.0.2 (https://citeproc-js.readthedocs.io/en/latest/csl-json/markup.html); otherwise the
  braces are dropped. A value wholly wrapped in one brace group (``{{Title}}``) is the
  BibTeX idiom for "protect everything"; it is kept as protection too.
* ``\\textit``/``\\emph`` -> ``<i>``, ``\\textbf`` -> ``<b>``, ``\\textsc`` -> small caps,
  ``\\textsuperscript``/``\\textsubscript`` -> ``<sup>``/``<sub>`` (the same CSL markup);
  with ``markup=False`` only their text is kept.
* an unknown command with a brace argument keeps its argument; one without keeps its text.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["ACCENTS", "SYMBOLS", "latex_to_unicode", "strip_nocase"]

#: Accent commands -> Unicode combining character.
ACCENTS: dict[str, str] = {
    '"': "\u0308", "'": "\u0301", "`": "\u0300", "^": "\u0302", "~": "\u0303",
    "=": "\u0304", ".": "\u0307", "u": "\u0306", "v": "\u030c", "H": "\u030b",
    "c": "\u0327", "d": "\u0323", "b": "\u0331", "k": "\u0328", "r": "\u030a",
    "t": "\u0361",
}

#: Commands without argument -> text.
SYMBOLS: dict[str, str] = {
    "ss": "ß", "SS": "SS", "o": "ø", "O": "Ø", "ae": "æ", "AE": "Æ", "oe": "œ", "OE": "Œ",
    "aa": "å", "AA": "Å", "l": "ł", "L": "Ł", "i": "ı", "j": "ȷ", "dh": "ð", "DH": "Ð",
    "dj": "đ", "DJ": "Đ", "th": "þ", "TH": "Þ", "ng": "ŋ", "NG": "Ŋ",
    "textendash": "–", "textemdash": "—", "textquoteleft": "‘", "textquoteright": "’",
    "textquotedblleft": "“", "textquotedblright": "”", "quotedblbase": "„",
    "guillemotleft": "«", "guillemotright": "»", "guilsinglleft": "‹", "guilsinglright": "›",
    "ldots": "…", "dots": "…", "textellipsis": "…", "copyright": "©", "textcopyright": "©",
    "textregistered": "®", "texttrademark": "™", "S": "§", "P": "¶", "pounds": "£",
    "textsterling": "£", "euro": "€", "texteuro": "€", "textdegree": "°", "degree": "°",
    "textasciitilde": "~", "textbackslash": "\\", "backslash": "\\", "textbar": "|",
    "textbraceleft": "{", "textbraceright": "}",
    "textless": "<", "textgreater": ">", "textasciicircum": "^", "textunderscore": "_",
    "textbullet": "•", "textdagger": "†", "textdaggerdbl": "‡", "textperiodcentered": "·",
    "textexclamdown": "¡", "textquestiondown": "¿",
    "LaTeX": "LaTeX", "TeX": "TeX", "BibTeX": "BibTeX", "LaTeXe": "LaTeX2ε",
    "&": "&", "%": "%", "$": "$", "#": "#", "_": "_", "{": "{", "}": "}",
    " ": " ", ",": "\u2009", ";": "\u2009", ":": "\u2009", "!": "", "/": "", "-": "",
    "\\": "\n", "slash": "/", "textslash": "/", "relax": "", "protect": "",
    "newblock": " ", "par": "\n", "quad": " ", "qquad": "  ", "nobreakspace": "\u00a0",
}

#: Commands with one argument -> (open, close) markup; ("", "") keeps only the text.
FORMATTING: dict[str, tuple[str, str]] = {
    "textit": ("<i>", "</i>"), "emph": ("<i>", "</i>"), "textsl": ("<i>", "</i>"),
    "mkbibemph": ("<i>", "</i>"), "textbf": ("<b>", "</b>"), "mkbibbold": ("<b>", "</b>"),
    "textsc": ('<span style="font-variant:small-caps;">', "</span>"),
    "textsuperscript": ("<sup>", "</sup>"), "mkbibsuperscript": ("<sup>", "</sup>"),
    "textsubscript": ("<sub>", "</sub>"), "mkbibsubscript": ("<sub>", "</sub>"),
    "textrm": ("", ""), "textsf": ("", ""), "texttt": ("", ""), "textup": ("", ""),
    "textnormal": ("", ""), "textmd": ("", ""), "mbox": ("", ""), "hbox": ("", ""),
    "url": ("", ""), "nolinkurl": ("", ""), "enquote": ("“", "”"), "mkbibquote": ("“", "”"),
    "uppercase": ("", ""), "lowercase": ("", ""), "MakeUppercase": ("", ""),
    "MakeLowercase": ("", ""), "ensuremath": ("", ""), "NoCaseChange": ("", ""),
}

#: Old-style switches inside a group: ``{\em text}``, ``{\bf text}``.
SWITCHES: dict[str, tuple[str, str]] = {
    "em": ("<i>", "</i>"), "it": ("<i>", "</i>"), "itshape": ("<i>", "</i>"),
    "sl": ("<i>", "</i>"), "bf": ("<b>", "</b>"), "bfseries": ("<b>", "</b>"),
    "sc": ('<span style="font-variant:small-caps;">', "</span>"),
    "scshape": ('<span style="font-variant:small-caps;">', "</span>"),
    "rm": ("", ""), "tt": ("", ""), "sf": ("", ""), "normalfont": ("", ""),
    "upshape": ("", ""), "small": ("", ""), "footnotesize": ("", ""), "large": ("", ""),
}

#: Commands with two arguments, of which the second is the text: ``\href{url}{text}``.
TWO_ARGS: frozenset[str] = frozenset({"href"})

#: Commands whose one argument is not printed: BibTeX's sort-key tricks
#: (``{\noopsort{1973b}}1973``, defined in a file's @preamble by convention).
DISCARD_ARG: frozenset[str] = frozenset({"noopsort", "SortNoop", "sortnoop", "noop", "nosort"})

#: Commands printing their two arguments swapped (xampl.bib's ``\switchargs``).
SWAPPED_ARGS: frozenset[str] = frozenset({"switchargs"})

NOCASE_OPEN = '<span class="nocase">'
NOCASE_CLOSE = "</span>"

_SPECIAL = re.compile(r"[{}\\$~`'-]")
_COMMAND = re.compile(r"\\([A-Za-z]+|.)", re.DOTALL)
_SPACE = re.compile(r"[ \t\r\n]+")
_MARKUP = re.compile(r"</?(?:i|b|sup|sub|span)(?: [^>]*)?>")


class _Decoder:
    """A small recursive-descent decoder over one field value."""

    def __init__(self, text: str, protect: bool, markup: bool) -> None:
        self.s = text
        self.i = 0
        self.protect = protect
        self.markup = markup

    def decode(self) -> str:
        return self._sequence(depth=0, stop="")

    # -- sequence of tokens up to a closing brace -------------------------------------------
    def _sequence(self, depth: int, stop: str) -> str:
        out: list[str] = []
        s = self.s
        while self.i < len(s):
            ch = s[self.i]
            if ch == stop:
                return "".join(out)
            if ch == "}":  # unbalanced closing brace: drop it
                self.i += 1
                continue
            if ch == "{":
                self.i += 1
                out.append(self._group(depth))
            elif ch == "\\":
                out.append(self._command(depth))
            elif ch == "$":
                out.append(self._math())
            elif ch == "~":
                self.i += 1
                out.append("\u00a0")
            elif ch == "-" and s.startswith("---", self.i):
                self.i += 3
                out.append("—")
            elif ch == "-" and s.startswith("--", self.i):
                self.i += 2
                out.append("–")
            elif ch in "`'" and s.startswith(ch * 2, self.i):
                self.i += 2
                out.append("“" if ch == "`" else "”")
            else:
                m = _SPECIAL.search(s, self.i + 1)
                j = m.start() if m else len(s)
                out.append(s[self.i:j])
                self.i = j
        return "".join(out)

    def _group(self, depth: int) -> str:
        """After an opening brace: a special character, a switch group or a protected group."""
        s = self.s
        starts_with_command = self.i < len(s) and s[self.i] == "\\"
        if starts_with_command:
            m = _COMMAND.match(s, self.i)
            name = m.group(1) if m else ""
            if name in SWITCHES:
                self.i = m.end()  # type: ignore[union-attr]
                inner = self._sequence(depth + 1, "}")
                self._eat("}")
                open_, close = SWITCHES[name] if self.markup else ("", "")
                return f"{open_}{inner.lstrip()}{close}"
        inner = self._sequence(depth + 1, "}")
        self._eat("}")
        if depth == 0 and not starts_with_command and self.protect and inner.strip():
            return f"{NOCASE_OPEN}{inner}{NOCASE_CLOSE}"
        return inner

    def _eat(self, ch: str) -> None:
        if self.i < len(self.s) and self.s[self.i] == ch:
            self.i += 1

    def _math(self) -> str:
        s = self.s
        end = s.find("$", self.i + 1)
        if end < 0:
            self.i += 1
            return "$"
        chunk = s[self.i:end + 1]
        self.i = end + 1
        return chunk

    def _argument(self, depth: int) -> str | None:
        """A command's argument: a brace group or one character (after optional spaces)."""
        s = self.s
        j = self.i
        while j < len(s) and s[j] in " \t\r\n":
            j += 1
        if j >= len(s):
            return None
        if s[j] == "{":
            self.i = j + 1
            inner = self._sequence(depth + 1, "}")
            self._eat("}")
            return inner
        if s[j] == "\\":
            self.i = j
            return self._command(depth)
        if s[j] == "}":
            return None
        self.i = j + 1
        return s[j]

    def _command(self, depth: int) -> str:
        s = self.s
        m = _COMMAND.match(s, self.i)
        if not m:  # a lone backslash at the end
            self.i += 1
            return "\\"
        name = m.group(1)
        self.i = m.end()
        if name == "(":
            end = s.find("\\)", self.i)
            if end >= 0:
                chunk = s[m.start():end + 2]
                self.i = end + 2
                return chunk
            return "\\("
        if name in ACCENTS and not (name.isalpha() and len(name) > 1):
            arg = self._argument(depth)
            if arg is None:
                return SYMBOLS.get(name, "")
            arg = {"ı": "i", "ȷ": "j"}.get(arg[:1], arg[:1]) + arg[1:]
            return unicodedata.normalize("NFC", arg[:1] + ACCENTS[name] + arg[1:]) if arg else ""
        if name in SYMBOLS:
            if name.isalpha():
                self._skip_command_space()
            return SYMBOLS[name]
        if name in FORMATTING:
            arg = self._argument(depth)
            open_, close = FORMATTING[name] if self.markup else ("", "")
            return f"{open_}{arg or ''}{close}"
        if name in TWO_ARGS:
            self._argument(depth)
            return self._argument(depth) or ""
        if name in DISCARD_ARG:
            self._argument(depth)
            return ""
        if name in SWAPPED_ARGS:
            first = self._argument(depth) or ""
            return (self._argument(depth) or "") + first
        if name in SWITCHES:
            return ""
        if name.isalpha():
            # unknown command: keep the argument if it has one, else the command's text
            j = self.i
            if j < len(s) and s[j] == "{":
                return self._argument(depth) or ""
            self._skip_command_space()
            return "\\" + name
        return name  # an escaped character we have no entry for: keep the character

    def _skip_command_space(self) -> None:
        s = self.s
        while self.i < len(s) and s[self.i] in " \t":
            self.i += 1
            break


def latex_to_unicode(text: str, protect: bool = False, markup: bool = True) -> str:
    """Decode a BibTeX field value: accents and symbols to Unicode, whitespace collapsed.

    ``protect=True`` keeps outer brace groups as ``<span class="nocase">``; ``markup=False``
    drops the HTML-like markup of ``\\textit`` and friends and keeps their text.
    """
    if "\\" not in text and "{" not in text and "$" not in text and "~" not in text and "-" not in text and "`" not in text and "''" not in text:
        return _SPACE.sub(" ", text).strip()
    decoded = _Decoder(text, protect, markup).decode()
    decoded = unicodedata.normalize("NFC", decoded)
    return _SPACE.sub(" ", decoded).strip()


def strip_nocase(text: str) -> str:
    """The text of a decoded value without its CSL markup (for comparing and sorting)."""
    return _MARKUP.sub("", text)
