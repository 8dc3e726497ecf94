"""Imported once by the process the PDF workers are forked from (see `pool`), so
every worker starts with WeasyPrint loaded. Never imported by the host.

multiprocessing's fork server skips a preload module that raises ImportError but
dies, with a traceback, on anything else, such as the OSError WeasyPrint raises
when Pango is missing. Here any failure is swallowed: each worker then imports
WeasyPrint itself and reports the error as its record's message.
"""

try:
    import pikepdf  # noqa: F401  (tagging repairs every PDF)
    import weasyprint  # noqa: F401
except Exception:  # the workers will say what is wrong, record by record
    pass
