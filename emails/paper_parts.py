"""Each paper's part of a digest (its HTML block, its plain-text entry), rendered once.

A run sends many digests that share papers: the same paper, with the same reason line, appears
in hundreds of them. `PaperParts` keeps the parts it rendered, keyed by everything the part's
template can see (the paper's values, whether the digest marks extractive summaries, the
paper's number in the text), so a kept part is the very text a fresh rendering would give.
The values are those of the digest context (see the `emails` docstring): plain data.
"""

import jinja2
from markupsafe import Markup

# A part and its key are about 3,000 characters; a run of 100,000 readers (1,500 distinct
# digests of a 120-paper edition) renders 1,800 parts.
KEPT = 5_000


class PaperParts:
    """Rendered paper parts by what they render; at most `kept` (past that, the oldest half is
    dropped). A kept part never goes stale, so one object may serve every run of a process."""

    def __init__(self, kept: int = KEPT):
        self.kept = kept
        self._parts: dict[tuple, Markup] = {}

    def render(self, template: jinja2.Template, values: dict) -> Markup:
        """`template` rendered with `values`, from those kept when the same values were seen."""
        key = (template.name, _key(values))
        part = self._parts.get(key)
        if part is None:
            if len(self._parts) >= self.kept:
                for old in list(self._parts)[: self.kept // 2]:
                    self._parts.pop(old, None)  # another thread may have dropped it
            part = self._parts[key] = render_part(template, values)
        return part

    def __len__(self) -> int:
        return len(self._parts)


def render_part(template: jinja2.Template, values: dict) -> Markup:
    """`template` rendered with `values`; already escaped, so the digest does not escape it again."""
    return Markup(template.render(values))


def _key(values: dict) -> str:
    """A key equal only for values that render alike. The repr of dicts and lists of str, int,
    bool and None tells every value and its type apart (True == 1, yet "True" != "1"), and is
    made in C: a digest's 25 papers are keyed in microseconds."""
    return repr(values)
