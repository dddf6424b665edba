"""A body that is not a whole, well-formed answer of its kind is refused with a ParseError that
says what is wrong, never read as an empty listing."""

import pytest

from newsletter.sources import arxiv, arxiv_api, feed, hf
from newsletter.sources.records import ParseError
from tests.support.recorded import recorded

LATIN1 = '[{"paper": {"id": "2611.14233", "title": "Café"}}]'.encode("latin-1")
BAD_BODIES = {
    "arxiv truncated listing": (arxiv, recorded("arxiv_truncated.xml"), "truncated"),
    "arxiv HTML error page, named by its title": (arxiv, recorded("html_error_page.html"),
                                                  "503 Service Unavailable"),
    "arxiv latin-1 body declared UTF-8": (arxiv, recorded("latin1_declared_utf8.xml"),
                                          "encoding"),
    "arxiv JSON body": (arxiv, recorded("hf_error.json"), None),
    "arxiv empty body": (arxiv, b"  \n", "empty"),
    "arxiv API error entry, with its message": (arxiv_api, recorded("arxiv_api_error.xml"),
                                                "incorrect id format for 2611.1"),
    "feed HTML error page": (feed, recorded("html_error_page.html"), "HTML page"),
    "hf error object, with its message": (hf, recorded("hf_error.json"), "Invalid date format"),
    "hf HTML page": (hf, recorded("html_error_page.html"), "not JSON"),
    "hf body that is not UTF-8": (hf, LATIN1, "UTF-8"),
    "hf JSON object where a list is expected": (hf, b'{"papers": []}', "not a list"),
}


@pytest.mark.parametrize(("kind", "body", "message"), BAD_BODIES.values(), ids=BAD_BODIES)
def test_a_bad_body_is_rejected_saying_why(kind, body, message):
    with pytest.raises(ParseError, match=message):
        kind.parse(body)
