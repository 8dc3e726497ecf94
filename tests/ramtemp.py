"""Where a test run keeps its temporary files: in memory when the system's temporary
directory is on a disk.

The tests write and delete tens of thousands of files and folders (projects copied,
sites built, each passed test's folder removed), and the builds they start do too. On
the disk of a small virtual machine each of those costs far more CPU than the work
around it, and in memory a small fraction of that (the figures, per folder made and for
the whole suite, are in the notes of issue 12). So, unless TMPDIR says where (then that is
used, as always), the run's temporary files, pytest's `tmp_path` folders and the
builds' own included, go to a folder of this user's on /dev/shm, the tmpfs Linux
mounts there, when it is writable, lets programs run from it (tests start stand-in
scripts from their folders) and has room. What is tested does not change: the files
are the same, only kept in memory; the tests of full and read-only disks mount file
systems of their own as before.
"""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path

SHM = Path("/dev/shm")
# Room the run needs at most, with the folders pytest keeps of the last runs (only
# failed tests' and the shared builds'): a machine with less memory keeps the disk.
ROOM = 4 << 30


def _mount_options(mountpoint: Path) -> tuple[str, set[str]] | None:
    """(file system type, options) of the mount at exactly `mountpoint`, or None."""
    try:
        lines = Path("/proc/self/mounts").read_text().splitlines()
    except OSError:
        return None
    found = None
    for line in lines:  # the last mount at a place is the one in use
        fields = line.split()
        if len(fields) >= 4 and fields[1] == str(mountpoint):
            found = (fields[2], set(fields[3].split(",")))
    return found


def _own_folder(path: Path) -> bool:
    """`path` is a folder of this user's that nobody else may enter (made so if missing)."""
    try:
        path.mkdir(mode=0o700, exist_ok=True)
        info = path.lstat()
    except OSError:
        return False
    return (stat.S_ISDIR(info.st_mode) and info.st_uid == os.getuid()
            and not info.st_mode & 0o077)


def use_memory_for_temporary_files() -> str | None:
    """Points TMPDIR (for this process and what it starts) at a folder on /dev/shm, where
    that is right (see above); returns the folder, or None when it left things as they were."""
    if os.environ.get("TMPDIR") or not hasattr(os, "getuid"):
        return None
    mount = _mount_options(SHM)
    if mount is None or mount[0] != "tmpfs" or "noexec" in mount[1] or "ro" in mount[1]:
        return None
    system = _mount_options(Path(tempfile.gettempdir()))
    if system is not None and system[0] == "tmpfs":
        return None  # the system's temporary directory is in memory already
    try:
        room = os.statvfs(SHM)
    except OSError:
        return None
    if room.f_bavail * room.f_frsize < ROOM:
        return None
    folder = SHM / f"commsite-tests-{os.getuid()}"
    if not _own_folder(folder):
        return None
    os.environ["TMPDIR"] = str(folder)
    tempfile.tempdir = None  # found again, from TMPDIR
    return str(folder)
