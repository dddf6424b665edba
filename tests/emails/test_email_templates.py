"""Every email renders, has both parts and the shared footer, and links only to absolute URLs."""

import re

import jinja2
import pytest

from emails import TEMPLATE_NAMES, RenderedEmail, render

HREF = re.compile(r'href="([^"]*)"')


@pytest.fixture(params=TEMPLATE_NAMES)
def name(request) -> str:
    return request.param


@pytest.fixture
def context(name, sample) -> dict:
    return sample(name)


@pytest.fixture
def email(name, context) -> RenderedEmail:
    return render(name, context)


def test_every_email_has_a_one_line_subject_a_text_part_and_html(email):
    assert email.subject and "\n" not in email.subject
    assert len(email.text.split()) > 20
    assert email.html.startswith("<!doctype html>")


def test_every_link_is_an_absolute_http_url(email):
    hrefs = HREF.findall(email.html)
    assert hrefs
    assert all(href.startswith(("https://", "http://")) for href in hrefs), hrefs


def test_no_fonts_images_or_scripts_are_loaded(email):
    html = email.html.lower()
    assert "googleapis" not in html
    assert "<img" not in html and "<script" not in html and "@import" not in html
    assert "<link" not in html and "url(" not in html


def test_html_is_600px_wide_with_explicit_colours(email):
    assert "max-width:600px" in email.html
    assert "background-color:#f3f4f6" in email.html
    assert "color:#1f2328" in email.html


def test_html_declares_both_colour_schemes_and_carries_a_dark_palette(email):
    assert '<meta name="color-scheme" content="light dark"' in email.html
    assert "@media (prefers-color-scheme: dark)" in email.html


def test_footer_is_in_both_parts(email, context):
    for part in (email.text, email.html):
        assert context["postal_address"] in part
        assert context["reason"] in part
        assert context["unsubscribe_url"] in part
        assert context["preferences_url"] in part


def test_text_part_lines_fit_78_columns_except_urls(email):
    long_lines = [line for line in email.text.splitlines() if len(line) > 78]
    assert all("https://" in line for line in long_lines), long_lines


def test_confirmation_works_without_preferences_or_unsubscribe_links(sample):
    context = sample("confirmation", preferences_url=None, unsubscribe_url=None)
    email = render("confirmation", context)
    assert "Unsubscribe" not in email.text and "Unsubscribe" not in email.html
    assert context["confirm_url"] in email.text and context["confirm_url"] in email.html


def test_only_the_confirmation_may_omit_the_unsubscribe_link(sample):
    with pytest.raises(ValueError, match="unsubscribe_url"):
        render("welcome", sample("welcome", unsubscribe_url=None))


def test_a_relative_url_is_refused(sample):
    with pytest.raises(ValueError, match="confirm_url"):
        render("confirmation", sample("confirmation", confirm_url="/confirm/tok"))


def test_a_missing_context_key_fails_loudly(sample):
    context = sample("goodbye")
    del context["resubscribe_url"]
    with pytest.raises(jinja2.UndefinedError):
        render("goodbye", context)


def test_an_unknown_template_name_is_refused(sample):
    with pytest.raises(jinja2.TemplateNotFound):
        render("../_layout", sample("goodbye"))


def test_empty_topics_mean_all_topics(sample):
    email = render("confirmation", sample("confirmation", topics=[]))
    assert "all topics" in email.text and "all topics" in email.html


def test_preferences_changes_are_listed(sample):
    changes = [{"field": "Frequency", "before": "daily", "after": "weekly"}]
    email = render("preferences_updated", sample("preferences_updated", changes=changes))
    for part in (email.text, email.html):
        assert "Frequency" in part and "daily" in part and "weekly" in part


def test_a_postal_address_starting_with_the_site_name_does_not_repeat_it(sample):
    address = "ML Papers Daily, 1 Example Street, Paris"
    email = render("welcome", sample("welcome", postal_address=address))
    assert email.text.endswith(f"\n\n{address}\n")
    assert f"<p>{address}</p>" in email.html
