"""commsite: a static site generator for an organisation's communications page.

The core (records, catalogue, pages, PDFs, feeds) imports no host; `commsite.plugin`
adapts it to MkDocs.
"""
