"""Copying a published file (an attachment, slides, an image) without reading it into memory.

The kernel moves the bytes (`copy_file_range`, which some file systems turn into a
shared extent), and only the parts that hold data are copied: a sparse file (a disk
image, a VM file) stays sparse in the site instead of growing to its full size.
Where the system has none of that, `shutil.copyfileobj` copies in chunks.
"""

from __future__ import annotations

import errno
import os
import shutil
from pathlib import Path

CHUNK = 1 << 20


def _data_runs(fd: int, size: int):
    """(start, end) of each run of data in the file, holes left out."""
    pos = 0
    while pos < size:
        try:
            start = os.lseek(fd, pos, os.SEEK_DATA)
        except OSError as err:
            if err.errno == errno.ENXIO:  # only a hole from here on
                return
            raise
        end = os.lseek(fd, start, os.SEEK_HOLE)
        yield start, end
        pos = end


def _copy_range(src: int, dest: int, start: int, end: int) -> None:
    os.lseek(src, start, os.SEEK_SET)
    os.lseek(dest, start, os.SEEK_SET)
    while start < end:
        copied = os.copy_file_range(src, dest, min(end - start, 1 << 30))
        if copied == 0:
            break  # the file got shorter while being copied
        start += copied


def copy_file(source: Path, dest: Path) -> None:
    """Copy `source` to `dest` (made or replaced), holes and all, in bounded memory."""
    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    with open(source, "rb") as src, open(dest, "wb") as out:
        size = os.fstat(src.fileno()).st_size
        try:
            if not hasattr(os, "SEEK_DATA") or not hasattr(os, "copy_file_range"):
                raise OSError(errno.ENOTSUP, "no sparse copy here")
            for start, end in _data_runs(src.fileno(), size):
                _copy_range(src.fileno(), out.fileno(), start, end)
            out.truncate(size)  # a hole at the end is length, not data
        except OSError as err:
            if err.errno not in (errno.ENOTSUP, errno.EINVAL, errno.EXDEV, errno.ENOSYS,
                                 errno.EOPNOTSUPP):
                raise  # a full disk, say: the build says so
            src.seek(0)
            out.seek(0)
            out.truncate(0)
            shutil.copyfileobj(src, out, CHUNK)
