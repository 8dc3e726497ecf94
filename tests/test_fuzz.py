"""Property: whatever an author types, the loader gives a record or our error, never a crash."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from commsite.problems import RecordError
from commsite.records import load_records
from commsite.settings import Settings

FIELDS = ["title", "date", "audience", "summary", "topics", "updated", "changes", "draft", "pdf",
          "attachments", "slides", "recording", "qa", "body", "tittle", "", "- x", "? y"]
scalars = st.one_of(
    st.text(max_size=40), st.integers(), st.booleans(), st.none(), st.floats(allow_nan=True),
    st.sampled_from(["2018-07-12", "2018-02-30", "12/07/2018", "la", "users", "LA", "[la, x]",
                     "{a: 1}", "&a x", "*a", "!!python/object:os.system", "|", ">", "'", '"',
                     "\t", "\x00", "---", "...", "%YAML 1.1", "- - -"]))
values = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.sampled_from(FIELDS), inner, max_size=4)),
    max_leaves=12)


def as_yaml_ish(value, indent=0) -> str:
    """Render values as YAML-like text, deliberately sloppy: quoting is left to chance."""
    pad = " " * indent
    if isinstance(value, dict):
        return "\n".join(f"{pad}{k}:\n{as_yaml_ish(v, indent + 2)}" if isinstance(v, (dict, list))
                         and v else f"{pad}{k}: {v}" for k, v in value.items())
    if isinstance(value, list):
        return "\n".join(f"{pad}- {as_yaml_ish(v).strip()}" for v in value)
    return f"{pad}{value}"


def load_one(name: str, data: bytes):
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "bulletins"
        folder.mkdir()
        (folder / name).write_bytes(data)
        try:
            return load_records(Settings(root=Path(tmp)))
        except RecordError as err:
            assert err.problems and all(p.path == f"bulletins/{name}" for p in err.problems)
            assert all(p.line >= 1 for p in err.problems)
            return None


quick = settings(max_examples=300, deadline=None,
                 suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@quick
@given(front=st.dictionaries(st.sampled_from(FIELDS), values, max_size=8), body=st.text(max_size=200))
def test_markdown_records_load_or_give_our_error(front, body):
    text = f"---\n{as_yaml_ish(front)}\n---\n{body}"
    records = load_one("2018-07-12-fuzz.md", text.encode("utf-8", "surrogatepass"))
    if records:
        assert records[0].title and records[0].summary


@quick
@given(raw=st.binary(max_size=300))
def test_arbitrary_bytes_load_or_give_our_error(raw):
    load_one("2018-07-12-bytes.yml", raw)
    load_one("2018-07-12-bytes.md", b"---\n" + raw)


@quick
@given(title=st.text(min_size=1, max_size=80), summary=st.text(min_size=1, max_size=120),
       body=st.text(max_size=300))
def test_valid_shapes_with_any_text(title, summary, body):
    import json

    text = (f"---\ntitle: {json.dumps(title)}\ndate: 2018-07-12\naudience: la\n"
            f"summary: {json.dumps(summary)}\n---\n{body}")
    records = load_one("2018-07-12-text.md", text.encode("utf-8", "surrogatepass"))
    if records:  # text may be blank or over-long: then it must be our error instead
        assert records[0].date.isoformat() == "2018-07-12"


_PART = st.sampled_from(["a", "b", "bulletins", "x.pdf", "2024", ".", "..", "a.b", ""])


@given(target=st.lists(_PART, max_size=5), page=st.lists(_PART, max_size=5),
       target_dir=st.booleans(), page_dir=st.booleans())
def test_a_relative_link_is_what_posixpath_makes_of_it(target, page, target_dir, page_dir):
    """urls.relative's quick path for plain names gives what the posixpath reading gives
    for every pair of site paths, with '.', '..' and empty parts among them."""
    import posixpath

    from commsite.urls import relative

    target_url = "/".join(target) + ("/" if target_dir and target else "")
    page_url = "/".join(page) + ("/" if page_dir and page else "")
    here = page_url if page_url.endswith("/") or not page_url else \
        posixpath.dirname(page_url) + "/"
    expected = posixpath.relpath("/" + target_url, "/" + here)
    expected = "./" if expected == "." else expected + "/" if target_url.endswith("/") else expected
    assert relative(target_url, page_url) == expected
