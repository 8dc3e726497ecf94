"""A new organisation's site: `commsite init`, and the example configuration it follows."""

from __future__ import annotations

from bs4 import BeautifulSoup


def test_the_example_site_carries_its_own_footer_and_no_theme_credit(example):
    project, site, settings, _ = example
    footer = BeautifulSoup((site / "index.html").read_text(), "html.parser").find("footer")
    text = " ".join(footer.get_text(" ").split())
    assert "© NHSmail communications (example)" in text
    assert "Made with" not in text and "Material for MkDocs" not in text
    # Its own contacts are allowed: records may publish them.
    assert settings.allowed_phone_numbers == ("0300 303 4034",)
    assert settings.allowed_email_domains == ("nhs.net",)
