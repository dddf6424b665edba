"""The sample digest as Debian's Chromium lays it out, on a phone (375 px) and at full width (600 px).

Full-page screenshots are kept in test-artifacts/emails/ for a person to look at; the assertions
are layout facts measured in the page. Chromium is /usr/bin/chromium, never a download: when it
is missing the tests fail if CI is set and skip otherwise.
"""

from pathlib import Path

import pytest

from emails import render
from emails.samples import make_paper, make_section, sample_context
from tests.support.local_services import CHROMIUM, CHROMIUM_ARGS, require_chromium

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "emails"
# Everything a feed can throw at a layout: markup, LaTeX, emoji, right-to-left text, and words
# and URLs too long for a phone's line.
HOSTILE_TITLE = " ".join(
    [
        r"<b>Not</b> bold: $\mathcal{O}(n \log n)$ attention 🚀 نموذج لغوي",
        "Supercalifragilisticexpialidocious" * 2,
        "https://example.org/" + "x" * 80,
    ]
)

# [r, g, b, alpha] of an element's text, and of the first non-transparent background behind it.
COLOURS_JS = """element => {
  const rgba = value => (value.match(/[\\d.]+/g) || []).map(Number).concat([1]).slice(0, 4);
  let node = element, background = [255, 255, 255, 1];
  while (node) {
    const colour = rgba(getComputedStyle(node).backgroundColor);
    if (colour[3] > 0) { background = colour; break; }
    node = node.parentElement;
  }
  return {text: rgba(getComputedStyle(element).color), background};
}"""

pytestmark = pytest.mark.browser


def contrast(first: list[float], second: list[float]) -> float:
    """The WCAG 2 contrast ratio of two sRGB colours (1 to 21)."""

    def luminance(rgb):
        linear = [
            c / 255 / 12.92 if c <= 10.31 else ((c / 255 + 0.055) / 1.055) ** 2.4 for c in rgb[:3]
        ]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    light, dark = sorted((luminance(first), luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


@pytest.fixture(scope="module")
def digest_html() -> str:
    """The sample digest with one more topic holding a paper with a hostile title."""
    context = sample_context("digest")
    hostile = make_paper(4, title=HOSTILE_TITLE, authors=["محمد علي", "李雷"], topics=["NLP"])
    context["sections"] = [*context["sections"], make_section("NLP", [hostile])]
    context["paper_count"] += 1
    context["topic_count"] += 1
    return render("digest", context).html


@pytest.fixture(scope="module")
def chromium():
    require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def open_digest(chromium, digest_html):
    """open_digest(width, scheme="light"): a page showing the digest, its screenshot saved.

    One page per (width, scheme) for the whole module: the tests only read from it.
    """
    pages = {}

    def open_at(width: int, scheme: str = "light"):
        if (width, scheme) not in pages:
            page = chromium.new_page(viewport={"width": width, "height": 800})
            page.emulate_media(color_scheme=scheme)
            page.set_content(digest_html)
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / f"digest-{width}-{scheme}.png"), full_page=True)
            pages[width, scheme] = page
        return pages[width, scheme]

    yield open_at
    for page in pages.values():
        page.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_nothing_scrolls_sideways_on_a_phone(open_digest, scheme):
    page = open_digest(375, scheme)
    assert page.evaluate("document.scrollingElement.scrollWidth") <= 375


def test_the_hostile_title_is_shown_as_text(open_digest):
    page = open_digest(375)
    title = page.locator("h3", has_text="Supercalifragilistic")
    assert title.inner_text().startswith(r"<b>Not</b> bold: $\mathcal{O}(n \log n)$ attention 🚀")
    assert page.locator("h3 b").count() == 0


@pytest.mark.parametrize("width", [375, 600])
def test_the_unsubscribe_link_is_visible_inside_the_page(open_digest, width):
    page = open_digest(width)
    link = page.get_by_role("link", name="Unsubscribe", exact=True)
    link.scroll_into_view_if_needed()
    assert link.is_visible()
    box = link.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= width
    assert box["height"] >= 10  # a tappable line of text, not a collapsed box


@pytest.mark.parametrize("width", [600, 1000])
def test_the_content_is_at_most_600px_wide(open_digest, width):
    page = open_digest(width)
    widths = page.eval_on_selector_all(
        ".nl-card, .nl-bg", "cards => cards.map(card => card.getBoundingClientRect().width)"
    )
    assert len(widths) >= 4
    assert max(widths) <= 600


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("selector", ["h3 a", "h1", "li", ".nl-mu", "a:text-is('Unsubscribe')"])
def test_text_keeps_a_readable_contrast(open_digest, scheme, selector):
    page = open_digest(375, scheme)
    colours = page.locator(selector).first.evaluate(COLOURS_JS)
    assert contrast(colours["text"], colours["background"]) >= 4.5, colours


def test_dark_mode_gets_the_dark_palette_not_a_white_page(open_digest):
    page = open_digest(375, "dark")
    colours = page.locator("h3 a").first.evaluate(COLOURS_JS)
    assert max(colours["background"][:3]) < 64, colours


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", [375, 600])
def test_a_full_page_screenshot_is_kept_as_an_artifact(open_digest, width, scheme):
    page = open_digest(width, scheme)
    png = (ARTIFACTS / f"digest-{width}-{scheme}.png").read_bytes()
    assert png.startswith(b"\x89PNG")
    # The PNG header holds the image's width and height: the whole page, not the first screen.
    assert int.from_bytes(png[16:20], "big") == width
    height = page.evaluate("document.body.scrollHeight")
    assert height > 800 and int.from_bytes(png[20:24], "big") == height
