"""The rich-text markup CSL allows inside field values, and how each output spells it.

CSL-JSON titles may carry ``<i>``, ``<b>``, ``<sub>``, ``<sup>``, ``<span class="nocase">``
and ``<span style="font-variant:small-caps;">`` (citeproc-js "rich text", see
https://citeproc-js.readthedocs.io/en/latest/csl-json/markup.html#html-like-formatting-tags).
Only these exact tags are markup; any other ``<`` is text. Writers turn markup into their own
syntax (LaTeX commands, plain text for RIS and RDF literals) and escape everything else.
"""

from __future__ import annotations

import re

_TAG = re.compile(
    r'<(/?)(i|b|sub|sup)>|<span class="nocase">|<span style="font-variant:\s*small-caps;?">|</span>'
)
_SPAN_KIND = {'nocase': "nocase", "small-caps": "sc"}


def tokens(text: str) -> list[tuple[str, str]]:
    """Split into ("text", s), ("open", tag) and ("close", tag) tokens; spans are balanced."""
    out: list[tuple[str, str]] = []
    pos = 0
    stack: list[str] = []
    for m in _TAG.finditer(text):
        if m.start() > pos:
            out.append(("text", text[pos:m.start()]))
        tag_text = m.group(0)
        if m.group(2):
            tag = m.group(2)
            if m.group(1):
                if tag in stack:
                    while stack:
                        t = stack.pop()
                        out.append(("close", t))
                        if t == tag:
                            break
                else:
                    out.append(("text", tag_text))
            else:
                stack.append(tag)
                out.append(("open", tag))
        elif tag_text == "</span>":
            spans = [t for t in stack if t in ("nocase", "sc")]
            if spans:
                while stack:
                    t = stack.pop()
                    out.append(("close", t))
                    if t in ("nocase", "sc"):
                        break
            else:
                out.append(("text", tag_text))
        else:
            tag = "nocase" if "nocase" in tag_text else "sc"
            stack.append(tag)
            out.append(("open", tag))
        pos = m.end()
    if pos < len(text):
        out.append(("text", text[pos:]))
    while stack:
        out.append(("close", stack.pop()))
    return out


def has_markup(text: str) -> bool:
    return bool(_TAG.search(text))


def to_plain(text: str | None) -> str | None:
    """The text without markup."""
    if text is None or "<" not in text:
        return text
    return "".join(v for k, v in tokens(text) if k == "text")
