"""Golden files pin the structure of each email; regenerate them with UPDATE_GOLDEN=1 and review.

The text part is compared exactly. For HTML, an outline (headings and links, in order) is
compared, so restyling does not churn the files but a lost section or link shows.
"""

import os
from html.parser import HTMLParser
from pathlib import Path

import pytest

from emails import TEMPLATE_NAMES, render

GOLDEN = Path(__file__).parent / "golden"


class Outline(HTMLParser):
    """Collects headings and links of an HTML email, one line each, in order."""

    def __init__(self):
        super().__init__()
        self.lines, self._tag, self._href = [], None, None

    def handle_starttag(self, tag, attrs):
        if tag in ("h1", "h2", "h3", "a"):
            self._tag, self._href = tag, dict(attrs).get("href")

    def handle_endtag(self, tag):
        if tag == self._tag:
            self._tag = None

    def handle_data(self, data):
        if self._tag == "a":
            self.lines.append(f"link {data.strip()} -> {self._href}")
        elif self._tag:
            self.lines.append(f"{self._tag} {data.strip()}")


def outline(html: str) -> str:
    parser = Outline()
    parser.feed(html)
    return "\n".join(parser.lines) + "\n"


def assert_matches_golden(filename: str, actual: str):
    path = GOLDEN / filename
    if os.environ.get("UPDATE_GOLDEN") == "1":
        path.write_text(actual, encoding="utf-8")
    assert actual == path.read_text(encoding="utf-8"), f"{filename} changed; see the diff above"


@pytest.mark.parametrize("name", TEMPLATE_NAMES)
def test_text_part_matches_golden(name, sample):
    email = render(name, sample(name))
    assert_matches_golden(f"{name}.txt", f"Subject: {email.subject}\n\n{email.text}")


@pytest.mark.parametrize("name", TEMPLATE_NAMES)
def test_html_outline_matches_golden(name, sample):
    assert_matches_golden(f"{name}.outline.txt", outline(render(name, sample(name)).html))
