"""Where the run keeps its temporary files (tests/ramtemp.py): a folder in memory only
where it is this user's alone, and never in place of a TMPDIR someone chose."""

from __future__ import annotations

import os

from .ramtemp import _mount_options, _own_folder, use_memory_for_temporary_files


def test_a_tmpdir_someone_chose_is_kept(monkeypatch):
    monkeypatch.setenv("TMPDIR", "/somewhere/chosen")
    assert use_memory_for_temporary_files() is None
    assert os.environ["TMPDIR"] == "/somewhere/chosen"


def test_only_a_folder_of_this_users_alone_is_used(tmp_path):
    made = tmp_path / "made"
    assert _own_folder(made)
    assert made.stat().st_mode & 0o777 == 0o700
    loose = tmp_path / "loose"
    loose.mkdir()
    loose.chmod(0o755)  # others may enter: a place another user could read or plant files
    assert not _own_folder(loose)
    (tmp_path / "link").symlink_to(made)  # a link, even to a good folder: not followed
    assert not _own_folder(tmp_path / "link")
    (tmp_path / "file").write_text("")
    assert not _own_folder(tmp_path / "file")


def test_mounts_are_read_as_the_kernel_lists_them():
    kind, options = _mount_options(os.path.realpath("/proc"))
    assert kind == "proc" and options & {"rw", "ro"}
    assert _mount_options(os.path.realpath("/proc") + "/no-such-mount") is None
