import pytest

from newsletter.sources.ids import id_in_link, ids_in_text, is_arxiv_id, split_version


def test_versioned_id_splits_into_id_and_version():
    assert split_version("2611.14233v12") == ("2611.14233", 12)


def test_versionless_id_has_no_version():
    assert split_version("2611.14233") == ("2611.14233", None)


def test_old_style_id_is_recognised():
    assert split_version("hep-th/9901001v2") == ("hep-th/9901001", 2)
    assert is_arxiv_id("math.GT/0309136")


def test_text_that_is_not_an_id_is_refused():
    with pytest.raises(ValueError, match="not an arXiv id"):
        split_version("tag:northbridge.ai,2026:blog")


def test_pdf_link_keeps_its_version():
    assert id_in_link("https://arxiv.org/pdf/2611.00412v2") == ("2611.00412", 2)


def test_a_longer_run_of_digits_is_not_an_id():
    assert id_in_link("https://arxiv.org/abs/2611.123456") is None


def test_text_mentions_are_collected_once_each():
    text = "See arXiv:2611.14233 and https://arxiv.org/abs/2611.14201v3, again arXiv:2611.14233v1."
    assert ids_in_text(text) == [("2611.14201", 3), ("2611.14233", 1)]
