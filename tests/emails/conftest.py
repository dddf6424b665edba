"""Fixtures giving the tests the sample contexts of `emails.samples`."""

import pytest

from emails.samples import digest_context, make_paper, make_section, sample_context


@pytest.fixture
def sample():
    """sample_context(name, **overrides): the sample context of any email."""
    return sample_context


@pytest.fixture
def digest():
    """digest_context(sections=None, **overrides): a digest context around given sections."""
    return digest_context


@pytest.fixture
def paper():
    """make_paper(number, **overrides): one complete paper dict."""
    return make_paper


@pytest.fixture
def section():
    """make_section(topic, papers): one digest section."""
    return make_section
