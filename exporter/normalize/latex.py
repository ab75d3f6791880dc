"""LaTeX in BibTeX field values, decoded to Unicode.

Follows the accent and symbol commands of LaTeX's text encoding (the LaTeX2e font
selection guide, https://www.latex-project.org/help/documentation/fntguide.pdf, and
"The Comprehensive LaTeX Symbol List", https://ctan.org/pkg/comprehensive) and BibTeX's
brace rules (https://www.tug.org/texinfohtml/bibtex.html, Tame the BeaST §11):

* accents in every spelling: ``\\"u``, ``\\"{u}``, ``{\\"u}``, ``{\\"{u}}``, ``\\'{\\i}``,
  ``\\c c``, ``\\v{s}``; symbols (``\\ss``, ``\\o``, ``\\ae``, ``\\textendash``, ...);
  ``--`` and ``---`` become en and em dashes, ``~`` a no-break space;
* math (``$...$``, ``\\(...\\)``) is left exactly as written, dollars included, except one
  symbol alone as the ASCII writer spells it (``$\\alpha$`` is α);
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

The other direction, :func:`to_ascii_latex`, spells Unicode text as pure-ASCII LaTeX with
the same tables read backwards (``é`` -> ``{\\'e}``, ``P̄`` -> ``{\\=P}``, ``ß`` -> ``{\\ss}``),
each accented letter one brace group, which BibTeX counts as one "special character"
(Tame the BeaST §11), so that purify$ and text.prefix$ never cut a letter in two.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["ACCENTS", "SYMBOLS", "latex_to_unicode", "strip_nocase", "to_ascii_latex", "uncomposed_to_latex"]

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
        # one symbol as the ASCII writer spells it ("$\\alpha$", "$\\pm$") is that symbol;
        # any other math stays as written
        return MATH_SYMBOLS.get(chunk, chunk)

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


# -- Unicode -> LaTeX (pure ASCII) ----------------------------------------------------------

#: Combining mark -> accent command (the reverse of ACCENTS).
ACCENT_COMMANDS: dict[str, str] = {mark: command for command, mark in ACCENTS.items()}

#: Characters spelt otherwise than the first SYMBOLS command that gives them (TeX's own
#: ligatures for dashes and quotes; commands that need no package).
_SPELLING_OVERRIDES: dict[str, str] = {
    "–": "--", "—": "---", "“": "``", "”": "''", "‘": "`", "’": "'", "\u00a0": "~",
    "€": r"\texteuro{}", "…": r"\ldots{}", "\u2009": r"\,", "ı": r"{\i}", "ȷ": r"{\j}",
    "±": r"$\pm$", "×": r"$\times$", "÷": r"$\div$", "≤": r"$\leq$", "≥": r"$\geq$",
    "≠": r"$\neq$", "≈": r"$\approx$", "∞": r"$\infty$", "→": r"$\rightarrow$",
    "←": r"$\leftarrow$", "∼": r"$\sim$", "′": r"$'$", "−": r"$-$", "µ": r"$\mu$",
    "¹": r"\textsuperscript{1}", "²": r"\textsuperscript{2}", "³": r"\textsuperscript{3}",
    "\u200b": "", "\ufeff": "", "\u00ad": "",  # invisible (the reader drops \\- too)
}
_GREEK_COMMANDS = ["alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota", "kappa", "lambda", "mu", "nu", "xi", "omicron", "pi", "rho", "sigma", "tau", "upsilon", "phi", "chi", "psi", "omega"]
_GREEK_UPPER_COMMANDS = frozenset({"Gamma", "Delta", "Theta", "Lambda", "Xi", "Pi", "Sigma", "Upsilon",
                                   "Phi", "Psi", "Omega"})
_GREEK_SAME_AS_LATIN = dict(zip("ΑΒΕΖΗΙΚΜΝΟΡΤΧ", "ABEZHIKMNOPTX"))


def _symbol_spellings() -> dict[str, str]:
    out: dict[str, str] = {}
    for command, text in SYMBOLS.items():
        if len(text) == 1 and not text.isascii():
            out.setdefault(text, "{\\" + command + "}" if command.isalpha() else "\\" + command)
    for i, name in enumerate(_GREEK_COMMANDS):
        lower = chr(0x3B1 + i + (1 if i >= 17 else 0))  # U+03C2 is the final sigma
        out[lower] = f"$\\{name}$" if name != "omicron" else "o"
        upper = chr(0x391 + i + (1 if i >= 17 else 0))
        cap = name.capitalize()
        out[upper] = f"$\\{cap}$" if cap in _GREEK_UPPER_COMMANDS else _GREEK_SAME_AS_LATIN.get(upper, upper)
    out["ς"] = r"$\varsigma$"
    out.update(_SPELLING_OVERRIDES)
    return out


#: Non-ASCII character -> its ASCII LaTeX spelling.
SYMBOL_SPELLINGS: dict[str, str] = _symbol_spellings()
#: The math spellings among them, read back as their character (derived reverse).
MATH_SYMBOLS: dict[str, str] = {spelling: ch for ch, spelling in SYMBOL_SPELLINGS.items()
                                if spelling.startswith("$") and spelling.endswith("$")}

_CLUSTER = re.compile(r"([^\u0300-\u036f])([\u0300-\u036f]+)|[^\x00-\x7f]")
_UNCOMPOSED = re.compile(r"([^\u0300-\u036f])([\u0300-\u036f]+)")
_DOTLESS = {"i": r"\i", "j": r"\j"}
_ABOVE = frozenset("\u0300\u0301\u0302\u0303\u0304\u0306\u0307\u0308\u030a\u030b\u030c")


def _accented(base: str, marks: str, unencodable: set[str] | None) -> str | None:
    """``{\\'e}``, ``{\\c{c}}``, ``{\\'\\i}``, ``{\\'{\\=a}}``; None if a mark has no command."""
    if any(m not in ACCENT_COMMANDS for m in marks):
        return None
    inner = _DOTLESS[base] if base in _DOTLESS and marks[0] in _ABOVE else base
    if not inner.isascii():
        inner = _spell_char(inner, unencodable)
    for mark in marks:
        command = ACCENT_COMMANDS[mark]
        simple = len(inner) == 1 and not command.isalpha()
        inner = f"\\{command}{inner}" if simple else f"\\{command}{{{inner}}}"
    return "{" + inner + "}"


def _spell_char(ch: str, unencodable: set[str] | None) -> str:
    spelling = SYMBOL_SPELLINGS.get(ch)
    if spelling is not None:
        return spelling
    compatible = unicodedata.normalize("NFKD", ch)
    if compatible != ch and compatible.isascii() and compatible.strip():
        return compatible  # ligatures and full-width forms: "ﬁ" is "fi"
    if unencodable is not None:
        unencodable.add(ch)
    return "?"


def to_ascii_latex(text: str, verbatim: bool = False, unencodable: set[str] | None = None) -> str:
    """LaTeX text (already escaped) with every non-ASCII character spelt in ASCII.

    ``verbatim`` values (URLs, DOIs) are percent-encoded as UTF-8 instead (RFC 3987 §3.1).
    Characters without a spelling become ``?`` and are added to ``unencodable``; an accent
    without a LaTeX command is left out and its character added there too.
    """
    if text.isascii():
        return text
    if verbatim:
        return "".join(c if c.isascii() else "".join(f"%{b:02X}" for b in c.encode("utf-8")) for c in text)

    def spell(m: re.Match[str]) -> str:
        if m.group(2) is None:
            return _spell_char(m.group(0), unencodable)
        base, marks = m.group(1), m.group(2)
        if not base.isalnum():  # after LaTeX syntax (the "}" ending "\\textbraceleft{}"): no letter
            if unencodable is not None:  # takes the accent
                unencodable.add(marks)
            return base if base.isascii() else _spell_char(base, unencodable)
        spelled = _accented(base, marks, unencodable)
        if spelled is None:
            if unencodable is not None:
                unencodable.add(unicodedata.normalize("NFC", m.group(0)))
            return base if base.isascii() else _spell_char(base, unencodable)
        return spelled

    return _CLUSTER.sub(spell, unicodedata.normalize("NFD", text))


def uncomposed_to_latex(text: str) -> str:
    """UTF-8 text with the letters Unicode has no single character for (``P̄``, a letter and
    a combining mark even after NFC) spelt as LaTeX accents; LaTeX's inputenc cannot typeset
    a combining mark, biber reads both."""
    if not _UNCOMPOSED.search(text):
        return text
    return _UNCOMPOSED.sub(_uncomposed_accent, text)


def _uncomposed_accent(m: re.Match[str]) -> str:
    # only a letter or digit takes an accent command: after LaTeX syntax (the "}" that ends
    # "\\textbraceleft{}", a space) the mark stays as it is, or the command would take the
    # syntax as its argument
    base = m.group(1)
    if not base.isalnum():
        return m.group(0)
    return _accented(base, m.group(2), None) or m.group(0)
