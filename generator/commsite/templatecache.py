"""Compiled templates kept between runs, so a build does not compile Material's templates
and ours again each time (compiling them was about a third of a small site's build).

Jinja's own bytecode cache, in its default place: a folder of this user's in the
temporary directory, created with mode 0700 and refused if anyone else owns it (Jinja
checks), so another user cannot put code in our builds. Entries are keyed by template
file and checked against a digest of the template's source: an edited override or a new
Material release compiles afresh. The folder is shared by every project of the user,
since the theme's templates are; a cache that cannot be read or written (a full or
read-only temporary directory) only costs the compile time.
"""

from __future__ import annotations

from jinja2.bccache import Bucket, FileSystemBytecodeCache


class _TemplateCache(FileSystemBytecodeCache):
    def load_bytecode(self, bucket: Bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except Exception:  # noqa: BLE001 - unreadable or cut short (pickle and marshal can
            bucket.reset()  # raise almost anything on a damaged file): compiled again

    def dump_bytecode(self, bucket: Bucket) -> None:
        try:
            super().dump_bytecode(bucket)
        except OSError:
            pass


_cache: FileSystemBytecodeCache | None = None


def template_cache() -> FileSystemBytecodeCache | None:
    """The user's template cache, or None where no safe folder can be had."""
    global _cache
    if _cache is None:
        try:
            _cache = _TemplateCache()
        except (OSError, RuntimeError):  # Jinja refuses a folder it cannot trust
            return None
    return _cache
