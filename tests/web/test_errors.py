"""Errors are clear HTML pages; a crash never shows a stack trace."""

from newsletter.web import deps


def test_an_unknown_page_is_a_404_page(site):
    response = site.get("/no/such/page")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")


def test_a_crash_is_a_500_page_without_a_stack_trace(site, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(deps, "transaction", broken)
    response = site.get("/editions")
    assert response.status_code == 500
    assert "Something went wrong" in response.text
    assert "secret internals" not in response.text and "Traceback" not in response.text


def test_every_page_forbids_third_party_content_framing_and_referrers_to_other_sites(site):
    headers = site.get("/healthz").headers
    # same-origin, not no-referrer: with no-referrer browsers send `Origin: null` with our forms
    assert headers["referrer-policy"] == "same-origin"
    assert "frame-ancestors 'none'" in headers["content-security-policy"]
    assert headers["x-frame-options"] == "DENY"
