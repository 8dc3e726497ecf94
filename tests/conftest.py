"""Sites built once per test session and shared by the feed, calendar and email tests."""

from __future__ import annotations

import pytest

from .test_feeds import example_site, unusual_site


@pytest.fixture(scope="session")
def example(tmp_path_factory):
    """The example project, built with PDFs (tests/browser has its own, served)."""
    return example_site(tmp_path_factory)


@pytest.fixture(scope="session")
def unusual(tmp_path_factory):
    """A small project without site_url: hostile text, drafts, clock changes."""
    return unusual_site(tmp_path_factory)
