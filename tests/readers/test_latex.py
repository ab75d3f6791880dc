"""LaTeX decoding (exporter.normalize.latex): accents in every spelling, symbols, protection."""

from __future__ import annotations

import unicodedata

import pytest

from exporter.normalize.latex import (
    latex_to_unicode,
    strip_nocase,
    to_ascii_latex,
    uncomposed_to_latex,
)


@pytest.mark.parametrize(
    "source, expected",
    [
        (r"P\"{a}ckert", "Päckert"),
        (r"P\"ackert", "Päckert"),
        (r"{\"u}ber", "über"),
        (r"{\"{u}}ber", "über"),
        (r"\'{e}t\'e", "été"),
        (r"\'{\i}", "í"),
        (r"{\ss}", "ß"),
        (r"Stra\ss e", "Straße"),
        (r"\c{c}a \c c", "ça ç"),
        (r"\v{S}koda", "Škoda"),
        (r"{\o}resund {\AE}", "øresund Æ"),
        (r"B{\'u}s{\'a}haldabyltingin {\ae}{\dh}i {\th}", "Búsáhaldabyltingin æði þ"),
        (r"Pages 10\textendash 20", "Pages 10–20"),
        (r"A---B and 1--2", "A—B and 1–2"),
        (r"\&\%\$\#\_", "&%$#_"),
        (r"D.~E. Knuth", "D.\u00a0E. Knuth"),
        (r"``quoted''", "“quoted”"),
        (r"Energy $E=mc^2$ \textbackslash", "Energy $E=mc^2$ \\"),
    ],
)
def test_decodes_accents_and_symbols(source: str, expected: str) -> None:
    assert latex_to_unicode(source) == expected


def test_math_is_left_as_written() -> None:
    assert latex_to_unicode(r"DNA$_{\textrm{2}}$ and $\Sigma^{0}$") == r"DNA$_{\textrm{2}}$ and $\Sigma^{0}$"


def test_protected_words_become_nocase_spans_in_titles() -> None:
    text = latex_to_unicode(r"The {DNA} of {\"O}sterreich", protect=True)
    assert text == 'The <span class="nocase">DNA</span> of Österreich'
    assert strip_nocase(text) == "The DNA of Österreich"


def test_braces_dropped_outside_titles() -> None:
    assert latex_to_unicode("{World Health} Organization") == "World Health Organization"


def test_formatting_commands_become_csl_markup() -> None:
    assert latex_to_unicode(r"\textit{Natrix cetti} and {\em x} \textbf{y}") == "<i>Natrix cetti</i> and <i>x</i> <b>y</b>"
    assert latex_to_unicode(r"\textit{Natrix}", markup=False) == "Natrix"


def test_unknown_command_keeps_its_argument_or_its_name() -> None:
    assert latex_to_unicode(r"\foo{bar} \baz") == r"bar \baz"


def test_whitespace_collapsed() -> None:
    assert latex_to_unicode("a\n      b\t c") == "a b c"


def test_sort_key_tricks_are_not_printed() -> None:
    assert latex_to_unicode(r"{\noopsort{1973b}}1973") == "1973"
    assert latex_to_unicode(r"{\switchargs{--90}{1968}}") == "1968–90"


# -- the other direction: Unicode -> pure-ASCII LaTeX (``--bibtex-encoding ascii``) ----------

ASCII_CASES = [
    ("Vázques", r"V{\'a}zques"),
    ("P\u0304", r"{\=P}"),  # no precomposed character: a macron macro, not a combining mark
    ("Ōsaka", r"{\=O}saka"),
    ("Çetinkaya", r"{\c{C}}etinkaya"),
    ("Aksın", r"Aks{\i}n"),
    ("Martín", r"Mart{\'{\i}}n"),
    ("Straße Ærø", r"Stra{\ss}e {\AE}r{\o}"),
    ("Dvořák", r"Dvo{\v{r}}{\'a}k"),
    ("1736–1739 — “q”", "1736--1739 --- ``q''"),
    ("α-helix Ω µ ±", r"$\alpha$-helix $\Omega$ $\mu$ $\pm$"),
]
#: Spelt in ASCII, but read back as the ASCII they are (single quotes, math stays math).
ASCII_ONE_WAY = [("‘s’", "`s'"), ("ﬁne", "fine")]


@pytest.mark.parametrize("text, latex", ASCII_CASES)
def test_unicode_spelt_in_ascii_latex_and_decoded_back(text, latex) -> None:
    assert to_ascii_latex(text) == latex
    assert latex.isascii()
    assert latex_to_unicode(latex) == unicodedata.normalize("NFC", text)


@pytest.mark.parametrize("text, latex", ASCII_ONE_WAY)
def test_unicode_spelt_in_ascii_latex(text, latex) -> None:
    assert to_ascii_latex(text) == latex


def test_unencodable_characters_are_named() -> None:
    missing: set[str] = set()
    assert to_ascii_latex("漢字 ș", unencodable=missing) == "?? s"
    assert missing == {"漢", "字", "ș"}


def test_urls_are_percent_encoded_in_ascii() -> None:
    assert to_ascii_latex("https://de.wikipedia.org/wiki/Köln", verbatim=True) == "https://de.wikipedia.org/wiki/K%C3%B6ln"


def test_utf8_output_spells_only_what_unicode_cannot_compose() -> None:
    assert uncomposed_to_latex("Ōsaka P\u0304") == r"Ōsaka {\=P}"
