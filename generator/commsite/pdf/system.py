"""What the machine lacks for fast PDFs, said once, with the fix.

WeasyPrint subsets the fonts it embeds with HarfBuzz's subsetter when
`libharfbuzz-subset` can be loaded and falls back to fontTools when it cannot,
which makes every PDF several times slower (benchmarks/pdf_bench.py measures
the PDF stage). Debian's Pango does not pull the library
in, so a fresh machine usually lacks it. We look for it the way WeasyPrint does
(by loading it), without importing WeasyPrint into the host process.
"""

from __future__ import annotations

import ctypes
import ctypes.util
from functools import lru_cache

# The names WeasyPrint tries (weasyprint/text/ffi.py), most likely first.
LIBRARY_NAMES = ("libharfbuzz-subset.so.0", "libharfbuzz-subset.0.dylib",
                 "libharfbuzz-subset-0.dll", "libharfbuzz-subset-0")

MISSING_HARFBUZZ_SUBSET = (
    "libharfbuzz-subset is not installed, so every PDF renders several times slower "
    "(fonts are subset by fontTools instead); install it: apt-get install libharfbuzz-subset0 "
    "(Debian, Ubuntu) or your system's HarfBuzz package")


def _loads(name: str) -> bool:
    try:
        ctypes.CDLL(name)
        return True
    except OSError:
        return False


@lru_cache(maxsize=1)
def harfbuzz_subset_available() -> bool:
    if any(_loads(name) for name in LIBRARY_NAMES):
        return True
    found = ctypes.util.find_library("harfbuzz-subset")
    return found is not None and _loads(found)


def speed_warnings() -> list[str]:
    """Messages for the person running the build; empty on a well set-up machine."""
    return [] if harfbuzz_subset_available() else [MISSING_HARFBUZZ_SUBSET]
