"""Imported once by the process the PDF workers are forked from (see `pool`), so
every worker starts with WeasyPrint loaded. Never imported by the host.

multiprocessing's fork server skips a preload module that raises ImportError but
dies, with a traceback, on anything else, such as the OSError WeasyPrint raises
when Pango is missing. Here any failure is swallowed: each worker then imports
WeasyPrint itself and reports the error as its record's message.

On Linux, WeasyPrint loads each of its libraries (GObject, Pango, HarfBuzz, fontconfig)
by trying several names, the bare one ("pango-1.0") first. cffi answers a bare name it
cannot open by asking `ctypes.util.find_library`, which runs `ldconfig -p`, then a C
compiler and the linker, for each name: some fifty processes before the first PDF,
about a quarter of WeasyPrint's import time. Its answer on Linux is a soname that WeasyPrint tries
itself next in any case ("libpango-1.0.so.0", found through the same loader cache), so
during the import the question is skipped; elsewhere (macOS paths) it is asked as usual.
"""

import ctypes.util
import sys


def _import() -> None:
    import pikepdf  # noqa: F401  (tagging repairs every PDF)
    import weasyprint  # noqa: F401


try:
    if sys.platform.startswith("linux"):
        asked = ctypes.util.find_library
        ctypes.util.find_library = lambda name: None
        try:
            _import()
        finally:
            ctypes.util.find_library = asked
    else:
        _import()
except Exception:  # the workers will say what is wrong, record by record
    pass
