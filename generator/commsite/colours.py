"""The site's brand colour: any CSS colour an author writes, checked and made plain hex.

PDFs (WeasyPrint), the site's own accents and the emails all use it; email clients
read only hex reliably, so every colour is turned into `#rrggbb` once, here. It is
parsed as CSS parses it (tinycss2, WeasyPrint's own CSS parser), so a name, `rgb()`,
`hsl()` or hex all work and a typo is refused instead of silently printing black.
"""

from __future__ import annotations

from tinycss2.color4 import parse_color

# A neutral dark blue: 8.1:1 on white, so text and links in it pass WCAG AA (4.5:1).
DEFAULT_BRAND_COLOUR = "#1d4f91"
MIN_CONTRAST = 4.5  # on white: the brand colour is used for headings and links


def brand_colour(value: str) -> str:
    """A brand colour as `#rrggbb`, dark enough for text on white; ValueError says why not."""
    colour = css_hex(value)
    ratio = contrast_on_white(colour)
    if ratio < MIN_CONTRAST:
        raise ValueError(f"a contrast of {ratio:.1f}:1 on white, below {MIN_CONTRAST}:1")
    return colour


def css_hex(value: str) -> str:
    """`value` as `#rrggbb`; ValueError says what is wrong and what is allowed."""
    colour = parse_color(str(value).strip()) if isinstance(value, str) else None
    if colour is None or isinstance(colour, str):  # None, or 'currentcolor'
        raise ValueError("not a CSS colour")
    red, green, blue, alpha = colour.to("srgb")
    if alpha < 1:
        raise ValueError("see-through: it must be opaque")
    channels = (round(max(0.0, min(1.0, c)) * 255) for c in (red, green, blue))
    return "#" + "".join(f"{c:02x}" for c in channels)


def rgb(hex_colour: str) -> tuple[float, float, float]:
    """'#rrggbb' as three fractions 0..1, as a PDF content stream writes colours."""
    return tuple(int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5))


def contrast_on_white(hex_colour: str) -> float:
    """WCAG 2 contrast ratio of the colour against white."""
    def linear(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4
    red, green, blue = (linear(c) for c in rgb(hex_colour))
    return 1.05 / (0.2126 * red + 0.7152 * green + 0.0722 * blue + 0.05)
