"""Output markup for the CSL layer.

CSL 1.0.2, "Formatting" (https://docs.citationstyles.org/en/stable/specification.html#formatting)
and Appendix VI "Rich Text Markup" (#html-like-formatting-tags-in-fields).

citeproc-py renders into one *intermediate* string in which every piece of
formatting -- the style's own (``font-style="italic"`` ...) and the rich-text
markup CSL allows inside field values (``<i>``, ``<b>``, ``<sub>``, ``<sup>``,
``<span style="font-variant:small-caps;">``) -- is a pair of Unicode
private-use characters.  Item data is never markup in that string.  The final
output format is produced by :func:`serialize`, which escapes the data for the
target format (HTML: ``&``, ``<``, ``>``) and only then turns the private-use
characters into real markup.  This closes the injection hole of stock
citeproc-py's HTML formatter, which inserts item data unescaped.
"""
from __future__ import annotations

import html
import re
from collections.abc import Callable

# --- private-use markers -------------------------------------------------------
ITALIC = ('\ue000', '\ue001')
BOLD = ('\ue002', '\ue003')
SUPERSCRIPT = ('\ue004', '\ue005')
SUBSCRIPT = ('\ue006', '\ue007')
SMALL_CAPS = ('\ue008', '\ue009')
UNDERLINE = ('\ue00a', '\ue00b')
NORMAL_STYLE = ('\ue00c', '\ue00d')    # font-style="normal" inside italics
NORMAL_VARIANT = ('\ue00e', '\ue00f')  # font-variant="normal"
LIGHT = ('\ue010', '\ue011')
# second-field-align: the first field is enclosed in LEFT_MARGIN, the rest in RIGHT_INLINE
LEFT_MARGIN = ('\ue012', '\ue013')
RIGHT_INLINE = ('\ue014', '\ue015')
# display="block" / "indent" on a child of the bibliography's cs:layout (see rules/layout.py)
BLOCK = ('\ue019', '\ue01a')
INDENT = ('\ue01b', '\ue01c')
# quotation marks, from quotes="true" or from straight quotes in the data; resolved
# to the locale's outer or inner quotation marks by nesting depth (punctuation.py)
QUOTE_OPEN = '\ue016'
QUOTE_CLOSE = '\ue017'
# an opening quote that was a straight single quote in the data (title case treats
# the word after it differently, as citeproc-js does); otherwise like QUOTE_OPEN
QUOTE_OPEN_SINGLE = '\ue018'
# formatting written in the data (<i>, <b>, <sc>, <span class="nodecor">; exporter.csl.flipflop):
# it flips against the formatting around it (resolve_decorations)
DATA_ITALIC = ('\ue01d', '\ue01e')
DATA_BOLD = ('\ue01f', '\ue020')
DATA_SMALL_CAPS = ('\ue021', '\ue022')
NODECOR = ('\ue023', '\ue024')
NORMAL_WEIGHT = ('\ue025', '\ue026')  # font-weight="normal" inside bold
NO_DECORATION = ('\ue027', '\ue028')  # text-decoration="none"
BASELINE = ('\ue029', '\ue02a')       # vertical-align="baseline"
# an opening quote whose own form is the inner one (a locale inner quote in the data, or
# the second form of straight quotes in a string: exporter.csl.flipflop); the same
# for a straight single quote
QUOTE_OPEN_INNER = '\ue02b'
QUOTE_OPEN_SINGLE_INNER = '\ue02c'

_FORMATTING_PAIRS = (ITALIC, BOLD, SUPERSCRIPT, SUBSCRIPT, SMALL_CAPS, UNDERLINE, NORMAL_STYLE,
                     NORMAL_VARIANT, LIGHT, DATA_ITALIC, DATA_BOLD, DATA_SMALL_CAPS, NODECOR,
                     NORMAL_WEIGHT, NO_DECORATION, BASELINE)
MARKERS = ''.join(ITALIC + BOLD + SUPERSCRIPT + SUBSCRIPT + SMALL_CAPS + UNDERLINE
                  + NORMAL_STYLE + NORMAL_VARIANT + LIGHT + LEFT_MARGIN + RIGHT_INLINE
                  + BLOCK + INDENT + (QUOTE_OPEN, QUOTE_CLOSE, QUOTE_OPEN_SINGLE)
                  + DATA_ITALIC + DATA_BOLD + DATA_SMALL_CAPS + NODECOR + NORMAL_WEIGHT
                  + NO_DECORATION + BASELINE + (QUOTE_OPEN_INNER, QUOTE_OPEN_SINGLE_INNER))
OPENERS = ''.join(p[0] for p in _FORMATTING_PAIRS)
CLOSERS = ''.join(p[1] for p in _FORMATTING_PAIRS)
_STRIP = str.maketrans('', '', MARKERS)

MARKUPS = ('text', 'html', 'markdown', 'rtf', 'latex')


_codes = sorted(ord(c) for c in MARKERS)
_MARKER_RE = re.compile(f'[{chr(_codes[0])}-{chr(_codes[-1])}]'
                        if _codes == list(range(_codes[0], _codes[-1] + 1))
                        else '[' + re.escape(MARKERS) + ']')


def strip_markers(text: str) -> str:
    """Remove every private-use marker (plain text, sort keys)."""
    if type(text) is str:  # as text.translate(_STRIP), ten times faster
        return _MARKER_RE.sub('', text)
    return text.translate(_STRIP)


# --- the intermediate citeproc-py "formatter" module ---------------------------
class _Wrapper(str):
    """A formatter wrapper class, called by citeproc-py as ``formatter.Italic(text)``."""

    markers: tuple[str, str] = ('', '')

    def __new__(cls, text: object) -> _Wrapper:  # noqa: PYI034
        return super().__new__(cls, cls.markers[0] + str(text) + cls.markers[1])


def _wrapper(name: str, markers: tuple[str, str]) -> type[_Wrapper]:
    return type(name, (_Wrapper,), {'markers': markers})


_CJK_RANGES = ((0x1100, 0x11FF), (0x2E80, 0x2FDF), (0x3000, 0x30FF), (0x3130, 0x318F),
               (0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xAC00, 0xD7AF), (0xF900, 0xFAFF),
               (0xFF00, 0xFFEF), (0x20000, 0x2FA1F))


def is_cjk_text(text: str) -> bool:
    """True if every letter of text is Chinese, Japanese or Korean."""
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and all(any(lo <= ord(c) <= hi for lo, hi in _CJK_RANGES)
                                 for c in letters)


class IntermediateFormatter:
    """Stands in for a ``citeproc.formatter`` module (``plain``, ``html``...)."""

    Italic = _wrapper('Italic', ITALIC)
    Oblique = _wrapper('Oblique', ITALIC)
    Bold = _wrapper('Bold', BOLD)
    Light = _wrapper('Light', LIGHT)
    Underline = _wrapper('Underline', UNDERLINE)
    Superscript = _wrapper('Superscript', SUPERSCRIPT)
    Subscript = _wrapper('Subscript', SUBSCRIPT)
    SmallCaps = _wrapper('SmallCaps', SMALL_CAPS)
    NormalStyle = _wrapper('NormalStyle', NORMAL_STYLE)
    NormalVariant = _wrapper('NormalVariant', NORMAL_VARIANT)
    NormalWeight = _wrapper('NormalWeight', NORMAL_WEIGHT)
    NoDecoration = _wrapper('NoDecoration', NO_DECORATION)
    Baseline = _wrapper('Baseline', BASELINE)

    @staticmethod
    def preformat(text: object) -> str:
        # Data is escaped at serialisation time, never here.
        return str(text)


intermediate = IntermediateFormatter()


# --- formatting in formatting ----------------------------------------------------
_PROPERTY = {  # opening marker -> (property, value); DATA_* flip, NODECOR resets
    ITALIC[0]: ('style', 'italic'), NORMAL_STYLE[0]: ('style', 'normal'),
    BOLD[0]: ('weight', 'bold'), LIGHT[0]: ('weight', 'light'),
    NORMAL_WEIGHT[0]: ('weight', 'normal'),
    SMALL_CAPS[0]: ('variant', 'small-caps'), NORMAL_VARIANT[0]: ('variant', 'normal'),
}
_FLIPS = {DATA_ITALIC[0]: ('style', ITALIC, NORMAL_STYLE),
          DATA_BOLD[0]: ('weight', BOLD, NORMAL_WEIGHT),
          DATA_SMALL_CAPS[0]: ('variant', SMALL_CAPS, NORMAL_VARIANT)}
_NORMAL = {'weight': NORMAL_WEIGHT, 'style': NORMAL_STYLE, 'variant': NORMAL_VARIANT}
_NORMALS = frozenset((NORMAL_STYLE[0], NORMAL_WEIGHT[0], NORMAL_VARIANT[0]))
_TRACKED_OPEN = frozenset(_PROPERTY) | frozenset(_FLIPS) | {NODECOR[0]}
_TRACKED_CLOSE = frozenset(p[1] for p in (ITALIC, NORMAL_STYLE, BOLD, LIGHT, NORMAL_WEIGHT,
                                          SMALL_CAPS, NORMAL_VARIANT, DATA_ITALIC, DATA_BOLD,
                                          DATA_SMALL_CAPS, NODECOR))
_NEEDS_RESOLVING = re.compile('[' + re.escape(''.join(
    (NORMAL_STYLE[0], NORMAL_WEIGHT[0], NORMAL_VARIANT[0], DATA_ITALIC[0], DATA_BOLD[0],
     DATA_SMALL_CAPS[0], NODECOR[0]))) + ']')


def resolve_decorations(text: str) -> str:
    """The formatting markers as citeproc-js 2.4.63 renders nested formatting.

    * Formatting of the style nests as it is (italics inside italics stay italic).
    * CSL 1.0.2 "Formatting": font-style="normal" (font-weight, font-variant) shows only
      inside a non-normal value of the same property (citeproc-js normalDecorIsOrphan).
    * Appendix VI "Rich Text Markup": ``<i>``, ``<b>``, ``<sc>`` in the data flip
      against the formatting around them ("<i>" inside italics is roman, CSL.Util.
      FlipFlopper); ``<span class="nodecor">`` sets every property that is not normal
      around it back to normal.
    """
    if _NEEDS_RESOLVING.search(text) is None:
        return text
    out: list[str] = []
    frames: list[tuple[tuple[tuple[str, str], ...], str]] = []  # (properties set, closer)

    def current(prop: str) -> str:
        for props, _ in reversed(frames):
            for name, value in props:
                if name == prop:
                    return value
        return 'normal'

    def set_anywhere(prop: str) -> bool:
        return any(name == prop and value != 'normal'
                   for props, _ in frames for name, value in props)

    for ch in text:
        if ch in _TRACKED_OPEN:
            if ch in _PROPERTY:
                prop, value = _PROPERTY[ch]
                if ch in _NORMALS and not set_anywhere(prop):
                    frames.append((((prop, value),), ''))  # an orphan "normal": nothing
                    continue
                pair = next(p for p in _FORMATTING_PAIRS if p[0] == ch)
                frames.append((((prop, value),), pair[1]))
                out.append(ch)
            elif ch in _FLIPS:
                prop, on, off = _FLIPS[ch]
                pair, value = (off, 'normal') if current(prop) != 'normal' else (on, 'on')
                frames.append((((prop, value),), pair[1]))
                out.append(pair[0])
            else:  # NODECOR
                props = tuple(p for p in ('weight', 'style', 'variant') if set_anywhere(p))
                frames.append((tuple((p, 'normal') for p in props),
                               ''.join(_NORMAL[p][1] for p in reversed(props))))
                out.extend(_NORMAL[p][0] for p in props)
        elif ch in _TRACKED_CLOSE:
            if frames:
                out.append(frames.pop()[1])
        else:
            out.append(ch)
    return ''.join(out)


# --- serialisers ---------------------------------------------------------------
_TRANSLATIONS: dict[int, dict[int, str]] = {}


def _replace_markers(text: str, table: dict[str, str]) -> str:
    """Each marker character of ``text`` replaced by its entry in ``table`` (str.translate,
    with the table converted once)."""
    translation = _TRANSLATIONS.get(id(table))
    if translation is None:
        translation = _TRANSLATIONS[id(table)] = {ord(k): v for k, v in table.items()}
    return text.translate(translation)


_HTML = {
    ITALIC[0]: '<i>', ITALIC[1]: '</i>',
    BOLD[0]: '<b>', BOLD[1]: '</b>',
    SUPERSCRIPT[0]: '<sup>', SUPERSCRIPT[1]: '</sup>',
    SUBSCRIPT[0]: '<sub>', SUBSCRIPT[1]: '</sub>',
    SMALL_CAPS[0]: '<span style="font-variant:small-caps;">', SMALL_CAPS[1]: '</span>',
    UNDERLINE[0]: '<span style="text-decoration:underline;">', UNDERLINE[1]: '</span>',
    NORMAL_STYLE[0]: '<span style="font-style:normal;">', NORMAL_STYLE[1]: '</span>',
    NORMAL_VARIANT[0]: '<span style="font-variant:normal;">', NORMAL_VARIANT[1]: '</span>',
    LIGHT[0]: '<span style="font-weight:lighter;">', LIGHT[1]: '</span>',
    NORMAL_WEIGHT[0]: '<span style="font-weight:normal;">', NORMAL_WEIGHT[1]: '</span>',
    NO_DECORATION[0]: '<span style="text-decoration:none;">', NO_DECORATION[1]: '</span>',
    BASELINE[0]: '<span style="baseline">', BASELINE[1]: '</span>',
    # display parts with citeproc-js's line breaks around them (its html "@display/...")
    LEFT_MARGIN[0]: '\n    <div class="csl-left-margin">', LEFT_MARGIN[1]: '</div>',
    RIGHT_INLINE[0]: '<div class="csl-right-inline">', RIGHT_INLINE[1]: '</div>\n  ',
    BLOCK[0]: '\n\n    <div class="csl-block">', BLOCK[1]: '</div>\n',
    INDENT[0]: '<div class="csl-indent">', INDENT[1]: '</div>\n  ',
}


# Unicode superscript characters are written as <sup> of their base character in HTML,
# as citeproc-js 2.4.63 does (CSL.SUPERSCRIPTS, applied by its html text_escape):
# "1ᵉʳ" -> "1<sup>e</sup><sup>r</sup>"
_SUPERSCRIPT_CHARS = ('ª²³¹ºʰʱʲʳʴʵʶʷʸˠˡˢˣˤᴬᴭᴮᴰᴱᴲᴳᴴᴵᴶᴷᴸᴹᴺᴼᴽᴾᴿᵀᵁᵂᵃᵄᵅᵆᵇᵈᵉᵊᵋᵌᵍᵏᵐᵑᵒᵓᵔᵕᵖᵗᵘᵙᵚᵛᵜ'
                      'ᵝᵞᵟᵠᵡ⁰ⁱ⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁿ㆒㆓㆔㆕㆖㆗㆘㆙㆚㆛㆜㆝㆞㆟ˀˁۥۦ℠™')
_SUPERSCRIPT_BASES = ('a', '2', '3', '1', 'o', 'h', 'ɦ', 'j', 'r', 'ɹ', 'ɻ', 'ʁ', 'w', 'y', 'ɣ',
                      'l', 's', 'x', 'ʕ', 'A', 'Æ', 'B', 'D', 'E', 'Ǝ', 'G', 'H', 'I', 'J', 'K',
                      'L', 'M', 'N', 'O', 'Ȣ', 'P', 'R', 'T', 'U', 'W', 'a', 'ɐ', 'ɑ', 'ᴂ', 'b',
                      'd', 'e', 'ə', 'ɛ', 'ɜ', 'g', 'k', 'm', 'ŋ', 'o', 'ɔ', 'ᴖ', 'ᴗ', 'p', 't',
                      'u', 'ᴝ', 'ɯ', 'v', 'ᴥ', 'β', 'γ', 'δ', 'φ', 'χ', '0', 'i', '4', '5', '6',
                      '7', '8', '9', '+', '−', '=', '(', ')', 'n', '一', '二', '三', '四', '上',
                      '中', '下', '甲', '乙', '丙', '丁', '天', '地', '人', 'ʔ', 'ʕ', 'و', 'ي',
                      'SM', 'TM')
_SUPERSCRIPT_HTML = {char: f'<sup>{base}</sup>'
                     for char, base in zip(_SUPERSCRIPT_CHARS, _SUPERSCRIPT_BASES, strict=True)}
_SUPERSCRIPT_RE = re.compile('[' + _SUPERSCRIPT_CHARS + ']')
_DOUBLE_SPACE = re.compile('  ')  # (not a delimiter's line breaks)


def to_html(text: str) -> str:
    # quote=False: quotation marks are typographic data, not attribute values
    text = html.escape(text, quote=False)
    if _DOUBLE_SPACE.search(text):
        text = _DOUBLE_SPACE.sub('\u00a0 ', text)  # citeproc-js html text_escape
    if _SUPERSCRIPT_RE.search(text):
        text = _SUPERSCRIPT_RE.sub(lambda m: _SUPERSCRIPT_HTML[m.group()], text)
    return _replace_markers(text, _HTML)


# display in plain text, as citeproc-js 2.4.63's text format: a block starts a new line,
# an indented block a new line and four spaces; a right-inline part starts with a space
# (a left margin with nothing after it ends without one: "Oslo." not "Oslo .")
_TEXT_DISPLAY = {BLOCK[0]: '\n', INDENT[0]: '\n    ', RIGHT_INLINE[0]: ' '}


def to_text(text: str) -> str:
    return strip_markers(_replace_markers(text, _TEXT_DISPLAY))


_MD_ESCAPE = re.compile(r'([\\`*_\[\]<>])')
_MARKDOWN = {
    ITALIC[0]: '*', ITALIC[1]: '*', BOLD[0]: '**', BOLD[1]: '**',
    SUPERSCRIPT[0]: '^', SUPERSCRIPT[1]: '^', SUBSCRIPT[0]: '~', SUBSCRIPT[1]: '~',
    RIGHT_INLINE[0]: ' ', BLOCK[0]: '\n', BLOCK[1]: '\n', INDENT[0]: '\n', INDENT[1]: '\n',
}


def to_markdown(text: str) -> str:
    text = _MD_ESCAPE.sub(r'\\\1', text)
    return strip_markers(_replace_markers(text, _MARKDOWN))


_RTF = {
    ITALIC[0]: r'{\i ', BOLD[0]: r'{\b ', SUPERSCRIPT[0]: r'{\super ',
    SUBSCRIPT[0]: r'{\sub ', SMALL_CAPS[0]: r'{\scaps ', UNDERLINE[0]: r'{\ul ',
    NORMAL_STYLE[0]: r'{\i0 ', NORMAL_VARIANT[0]: r'{\scaps0 ', LIGHT[0]: '{',
    NORMAL_WEIGHT[0]: r'{\b0 ', NO_DECORATION[0]: r'{\ul0 ', BASELINE[0]: r'{\nosupersub ',
    LEFT_MARGIN[1]: r'\tab ', BLOCK[0]: r'\line ', BLOCK[1]: r'\line ', INDENT[0]: r'\line ',
    INDENT[1]: r'\line ',
}
_RTF.update({c: '}' for c in CLOSERS})


def to_rtf(text: str) -> str:
    out = []
    for ch in text:
        if ch in '\\{}':
            out.append('\\' + ch)
        elif ch in _RTF:
            out.append(_RTF[ch])
        elif ch in MARKERS:
            continue
        elif ord(ch) > 127:
            code = ord(ch)
            if code > 0xFFFF:  # RTF \u takes signed 16-bit code units
                code -= 0x10000
                high, low = 0xD800 + (code >> 10) - 65536, 0xDC00 + (code & 0x3FF) - 65536
                out.append(f'\\u{high}?\\u{low}?')
            else:
                out.append(f'\\u{code if code < 32768 else code - 65536}?')
        else:
            out.append(ch)
    return ''.join(out)


_LATEX_SPECIAL = {'\\': r'\textbackslash{}', '{': r'\{', '}': r'\}', '$': r'\$',
                  '&': r'\&', '#': r'\#', '^': r'\textasciicircum{}', '_': r'\_',
                  '~': r'\textasciitilde{}', '%': r'\%'}
_LATEX = {
    ITALIC[0]: r'\textit{', BOLD[0]: r'\textbf{', SUPERSCRIPT[0]: r'\textsuperscript{',
    SUBSCRIPT[0]: r'\textsubscript{', SMALL_CAPS[0]: r'\textsc{', UNDERLINE[0]: r'\underline{',
    NORMAL_STYLE[0]: r'\textup{', NORMAL_VARIANT[0]: r'\textup{', LIGHT[0]: '{',
    NORMAL_WEIGHT[0]: r'\textmd{', NO_DECORATION[0]: '{', BASELINE[0]: '{',
    RIGHT_INLINE[0]: ' ', BLOCK[0]: ' ', BLOCK[1]: ' ', INDENT[0]: ' ', INDENT[1]: ' ',
}
_LATEX.update({c: '}' for c in CLOSERS})


def to_latex(text: str) -> str:
    out = []
    for i, ch in enumerate(text):
        if ch in '-`\'' and i + 1 < len(text) and text[i + 1] == ch:
            out.append(ch + '{}')  # no TeX ligature: "--" stays two hyphens, "''" two quotes
        elif ch in _LATEX_SPECIAL:
            out.append(_LATEX_SPECIAL[ch])
        elif ch in _LATEX:
            out.append(_LATEX[ch])
        elif ch in MARKERS:
            continue
        else:
            out.append(ch)
    return ''.join(out)


SERIALIZERS: dict[str, Callable[[str], str]] = {
    'text': to_text, 'html': to_html, 'markdown': to_markdown, 'rtf': to_rtf,
    'latex': to_latex,
}


def serialize(text: str, markup: str) -> str:
    """Turn an intermediate string into the requested output markup."""
    out = SERIALIZERS[markup](resolve_decorations(text))
    return out.strip() if markup == 'html' and '<div' in out else out
