"""The public pages (and the preferences page) at a phone's 375 px and a laptop's 1000 px, in
Debian's Chromium against the app on a real uvicorn server: nothing scrolls sideways, no two
boxes overlap, each text box has its label above it. Full-page screenshots are kept in
test-artifacts/reading-pages/."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsletter.config import load_settings
from newsletter.db import session_scope
from newsletter.services import Services
from newsletter.subscribers import links
from newsletter.web import create_app
from tests.stubs.served_app import served
from tests.stubs.smtp_server import free_port
from tests.support.cast import TODAY, Cast
from tests.support.databases import copy_of
from tests.support.local_services import CHROMIUM, CHROMIUM_ARGS, require_chromium

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "reading-pages"
WIDTHS = (375, 1000)
LONG_WORD = "Supercalifragilisticexpialidociousnesslessnessforevermoreandevermore"
LONG_ADDRESS = "ada.augusta.lovelace.countess.of.lovelace.analytical.engine@example.org"
SUMMARY = {"highlights": ["Halves the memory of attention.", f"Works on {LONG_WORD} inputs."],
           "summary": "A long structured summary. " * 12, "methodology": "How. " * 30,
           "results": "What they measured. " * 10, "implications": "Why it matters. " * 10}

pytestmark = pytest.mark.browser

# Boxes of the visible elements that must not overlap: per line fragment for inline ones, and
# only between elements neither of which contains the other.
OVERLAPS_JS = """() => {
  const shown = [...document.querySelectorAll(
      'main :is(h1, h2, h3, p, li, label, input, textarea, select, button, legend, summary, a,'
      + ' th, td, .tag, .signal, bdi)')]
    .filter(e => e.checkVisibility() && !e.closest('.sr-only'));
  const boxes = shown.flatMap(e => [...e.getClientRects()]
    .filter(r => r.width >= 2 && r.height >= 2).map(r => ({e, r})));
  const found = [];
  for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
    const a = boxes[i], b = boxes[j];
    if (a.e.contains(b.e) || b.e.contains(a.e)) continue;
    const w = Math.min(a.r.right, b.r.right) - Math.max(a.r.left, b.r.left);
    const h = Math.min(a.r.bottom, b.r.bottom) - Math.max(a.r.top, b.r.top);
    if (w > 1 && h > 1) found.push(a.e.outerHTML.slice(0, 60) + ' / ' + b.e.outerHTML.slice(0, 60));
  }
  return found.slice(0, 5);
}"""

LABELS_ABOVE_JS = """() => [...document.querySelectorAll('textarea')].map(box => {
  const label = document.querySelector(`label[for="${box.id}"]`).getBoundingClientRect();
  const area = box.getBoundingClientRect();
  return {id: box.id, above: label.bottom <= area.top + 1,
          aligned: Math.abs(label.left - area.left) <= 2};
})"""


@pytest.fixture(scope="module")
def site(migrated_template, tmp_path_factory):
    """The app on uvicorn over a database with two editions of long-titled, fully summarized
    papers and a reader with a long address who follows authors; yields (base URL, paths)."""
    folder = tmp_path_factory.mktemp("reading-pages")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    services = Services(load_settings(database_url=copy_of(migrated_template, folder / "db"),
                                      base_url=base, outbox_dir=str(folder / "outbox"),
                                      secret_key="browser-secret"))
    with session_scope(services.factory) as session:
        paths = _stored_pages(Cast(session, services), services)
    with served(create_app(services), port):
        yield base, paths


def _stored_pages(cast: Cast, services: Services) -> dict[str, str]:
    signals = {"upvotes": 1234, "comments": 56, "github_stars": 7890,
               "github_repo": "https://github.com/lab/code", "organization": "Example Lab"}
    for number in range(1, 5):
        cast.paper(number, topics=["Robotics", "Computer Vision"], signals=signals,
                   title=f"Paper {number}: {LONG_WORD} attention for very long sequences "
                         "with a title that goes on over several lines",
                   authors=[f"Author Number {n} With A Long Name" for n in range(9)],
                   tldr="A sparse attention scheme that halves memory.", summary=SUMMARY,
                   abstract="We study attention. " * 20)
    cast.edition(TODAY)
    reader = cast.reader(LONG_ADDRESS, ["Robotics"], interests={
        "authors": ["Ada Lovelace", "Alan Turing"], "organizations": ["Example Lab"],
        "keywords": ["attention"], "muted_keywords": ["crypto"]})
    cast.commit()
    robotics = services.taxonomy.by_name("Robotics").slug
    empty = services.taxonomy.by_name("Theory").slug
    return {"landing": "/", "editions": "/editions", "edition": f"/editions/{TODAY}",
            "no-edition": "/editions/2026-11-30", "topic": f"/topics/{robotics}",
            "empty-topic": f"/topics/{empty}", "paper": "/papers/2611.00001",
            "no-paper": "/papers/2611.09999", "search": "/search?q=attention+sequences",
            "search-too-long": "/search?q=" + "attention+" * 60,
            "preferences": links.preferences_url(services.settings, reader.id,
                                                 reader.token_secret).removeprefix(
                                                     services.settings.base_url)}


@pytest.fixture(scope="module")
def opened(site):
    """A function (name, width) -> the page, opened once, its full screenshot kept."""
    require_chromium()
    from playwright.sync_api import sync_playwright

    base, paths = site
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        pages = {}

        def open_page(name: str, width: int):
            if (name, width) not in pages:
                page = browser.new_page(viewport={"width": width, "height": 800})
                page.goto(base + paths[name])
                ARTIFACTS.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(ARTIFACTS / f"{name}-{width}.png"), full_page=True)
                pages[name, width] = page
            return pages[name, width]

        yield open_page
        browser.close()


PAGES = ("landing", "editions", "edition", "no-edition", "topic", "empty-topic", "paper",
         "no-paper", "search", "search-too-long", "preferences")


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", PAGES)
def test_nothing_scrolls_sideways_and_no_boxes_overlap(opened, name, width):
    page = opened(name, width)
    assert page.evaluate("document.scrollingElement.scrollWidth") <= width
    assert page.evaluate(OVERLAPS_JS) == []


@pytest.mark.parametrize("width", WIDTHS)
def test_each_follows_and_mutes_box_has_its_label_above_it(opened, width):
    boxes = opened("preferences", width).evaluate(LABELS_ABOVE_JS)
    assert len(boxes) == 4
    assert all(box["above"] and box["aligned"] for box in boxes), boxes


@pytest.mark.parametrize("width", WIDTHS)
def test_the_preferences_heading_stays_inside_the_page(opened, width):
    heading = opened("preferences", width).locator("h1").bounding_box()
    assert heading["x"] >= 0 and heading["x"] + heading["width"] <= width
