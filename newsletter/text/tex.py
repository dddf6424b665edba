"""TeX to Unicode text with pylatexenc's latex2text: the one place TeX is read.

What sources send is TeX as authors typed it (arXiv: `$10^{-9}$`, `G\\"unther`) or TeX that lost
its backslashes on the way (Hugging Face: `3times smaller`, `mathbb{R}^d`, `360^{circ}`). Before
parsing, the lost backslashes are put back where a macro pylatexenc knows sits in TeX's own
context (after a digit, `^`, `_` or `{`, or right before its `{argument}`), and the characters
that TeX reads as syntax but abstracts mean literally (`50%`, `R&D`, `$1.5 million`) are escaped.
Superscripts and subscripts become Unicode where every character has a form (`10⁻⁹`), else
`^x`, `^(x y)`; then latex2text renders. Unknown macros keep their name
(`\\OneMillion-Bench` reads OneMillion-Bench); footnotes and citations are dropped; `\\href` keeps
its text. A text pylatexenc cannot parse is returned with its TeX syntax stripped, never raised.
"""

from __future__ import annotations

import re
from functools import lru_cache

_SPACES = re.compile(r"\s+")
# What makes a text TeX: a macro, math, or a braced script. Braces alone do not: "{{ config }}"
# in a title is shown as written.
_TEX_MARK = re.compile(r"[\\$]|[\^_]\{")
_UNESCAPED = r"(?<!\\)"
_MATH = re.compile(r"(?<!\\)\$(?P<body>[^$]*?)(?<!\\)\$")
_PROSE = re.compile(r"\b[A-Za-z]{3,} [A-Za-z]{3,}\b")
_SUPERSCRIPTS = dict(zip("0123456789+-=()niT", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁿⁱᵀ"))
_SUBSCRIPTS = dict(zip("0123456789+-=()", "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎"))
_DEGREE = re.compile(r"\^\s*(?:\{\s*\\circ(?:\{\})?\s*\}|\\circ\b(?:\{\})?)")
_SCRIPT = re.compile(r"([\^_])(?:\{([^{}\\]*)\}|([0-9]))")
# Macros whose argument a reader should not see, or that only point elsewhere.
_DROPPED = ("footnote", "blfootnote", "thanks", "cite", "citep", "citet", "ref", "eqref", "label")
# Symbol macros that Hugging Face's copies show without their backslash ("3times smaller").
_SYMBOLS = ("times", "circ", "approx", "sim", "pm", "mp", "cdot", "leq", "geq", "le", "ge",
            "neq", "ll", "gg", "propto", "infty", "ell", "to", "rightarrow", "mid", "log",
            "alpha", "beta", "gamma", "delta", "epsilon", "varepsilon", "eta", "theta", "lambda",
            "mu", "sigma", "tau", "rho", "phi", "pi", "omega")
# Macros with an argument, recognized bare when followed by their "{".
_WITH_ARGUMENT = ("mathbb", "mathcal", "mathbf", "mathrm", "mathit", "mathsf", "mathtt",
                  "boldsymbol", "bm", "textbf", "textit", "texttt", "textsc", "textrm", "emph",
                  "text", "operatorname", "frac", "sqrt", "hat", "tilde", "bar", "vec",
                  "overline", "href", "url", *_DROPPED)
_BARE_WITH_ARGUMENT = re.compile(r"(?<![\\A-Za-z])(" + "|".join(_WITH_ARGUMENT) + r")(?=\{)")
_BARE_SYMBOL = re.compile(r"(?<=[0-9^_{(])(" + "|".join(_SYMBOLS) + r")(?![A-Za-z])")
_BARE_BOLD = re.compile(r"(?<![\\A-Za-z])(boldsymbol|mathbf|bm)(?=[^\x00-\x7f])")


def tex_to_text(text: str | None) -> str:
    """Unicode text for TeX; whitespace collapsed. Text without a backslash, a `$` or a braced
    script (once lost backslashes are restored) is only collapsed."""
    text = _restore_backslashes(_SPACES.sub(" ", text or "").strip())
    if not _TEX_MARK.search(text):
        return text
    prepared = _scripts(_escape_literals(text))
    try:
        rendered = _converter().latex_to_text(prepared, latex_context=_walker_context())
    except Exception:  # noqa: BLE001 (pylatexenc raises on what it cannot walk; still shown)
        rendered = re.sub(r"\\[A-Za-z]+|[\\{}$]", "", prepared)
    return _SPACES.sub(" ", rendered).strip()


def _restore_backslashes(text: str) -> str:
    text = _BARE_WITH_ARGUMENT.sub(r"\\\1", text)
    text = _BARE_BOLD.sub(r"\\\1 ", text)
    return _BARE_SYMBOL.sub(r"\\\1{}", text)


def _escape_literals(text: str) -> str:
    """`%`, `&` and `#` are literal in abstracts (TeX would read a comment, an alignment, a
    parameter), and so is a `$` that does not open math (`_escape_dollars`)."""
    return _escape_dollars(re.sub(_UNESCAPED + r"([%&#])", r"\\\1", text))


def _escape_dollars(text: str) -> str:
    """A `$...$` pair is math unless what it encloses reads as prose without TeX ("$1.5 million
    and US$5"): then its first `$` is money. A `$` left without a partner is money too, or, glued
    to the end of a word, what is left of lost math ("Modeling$"), and dropped."""
    kept, rest = [], text
    while match := _MATH.search(rest):
        if _PROSE.search(match["body"]) and "\\" not in match["body"]:
            kept.append(rest[:match.start()] + "\\$")
            rest = rest[match.start() + 1:]
        else:
            kept.append(rest[:match.end()])
            rest = rest[match.end():]
    rest = re.sub(_UNESCAPED + r"(?<=\w)\$(?!\d)", "", rest)
    return "".join(kept) + re.sub(_UNESCAPED + r"\$", r"\\$", rest)


def _scripts(text: str) -> str:
    """`10^{-9}` and `x_{1}` as Unicode scripts where each character has one (`10⁻⁹`, `x₁`);
    a longer script in parentheses (`p^{(old)}`), which latex2text would run into its base."""
    def script(match: re.Match) -> str:
        mark, body = match.group(1), match.group(2) if match.group(2) is not None else match.group(3)
        table = _SUPERSCRIPTS if mark == "^" else _SUBSCRIPTS
        if body and all(char in table for char in body):
            return "".join(table[char] for char in body)
        return mark + body if re.fullmatch(r"[\w.]+", body) else f"{mark}({body})"

    return _SCRIPT.sub(script, _DEGREE.sub("°", text))


@lru_cache(maxsize=1)
def _walker_context():
    from pylatexenc import latexwalker, macrospec

    context = latexwalker.get_default_latex_context_db()
    # pylatexenc's walker knows no \href, so its text spec would find no arguments
    context.add_context_category("newsletter", prepend=True, macros=[
        macrospec.MacroSpec("href", "{{"), macrospec.MacroSpec("blfootnote", "{"),
        macrospec.MacroSpec("boldsymbol", "{"), macrospec.MacroSpec("bm", "{"),
    ])
    return context


@lru_cache(maxsize=1)
def _converter():
    from pylatexenc import latex2text

    context = latex2text.get_default_latex_context_db()
    context.add_context_category("newsletter", prepend=True, macros=[
        latex2text.MacroTextSpec("href", simplify_repl=_second_argument),
        latex2text.MacroTextSpec("url", simplify_repl="%(1)s"),
        latex2text.MacroTextSpec("boldsymbol", simplify_repl="%(1)s"),
        latex2text.MacroTextSpec("bm", simplify_repl="%(1)s"),
        *(latex2text.MacroTextSpec(name, discard=True) for name in _DROPPED),
    ])
    context.set_unknown_macro_spec(latex2text.MacroTextSpec("", simplify_repl=_macro_name))
    return latex2text.LatexNodes2Text(latex_context=context, math_mode="text")


def _second_argument(node, l2tobj) -> str:
    arguments = node.nodeargd.argnlist if node.nodeargd else []
    return l2tobj.nodelist_to_text([arguments[1]]) if len(arguments) > 1 else ""


def _macro_name(node) -> str:
    return node.macroname + node.macro_post_space
