"""The theme's files a build copies are the ones MkDocs itself lists, however the listing
is made (generator/commsite/plugin/themefiles.py skips hidden folders while it walks)."""

from __future__ import annotations

import jinja2
from mkdocs.config import load_config
from mkdocs.structure.files import Files

from commsite.plugin.themefiles import list_without_hidden_folders

from .sites import ROOT


def theme_files(config) -> list[tuple[str, str]]:
    files = Files([])
    files.add_files_from_theme(config.theme.get_env(), config)
    return sorted((f.src_uri, f.abs_src_path) for f in files)


def test_the_theme_files_are_those_mkdocs_lists_and_hidden_templates_still_load(tmp_path):
    # A theme folder of the author's own over Material, with hidden files and folders at
    # the top and further down, beside ordinary ones.
    custom = tmp_path / "overrides"
    for name in ("extra/keep.js", "extra/.hidden.js", ".secret/leak.js", "deep/.git/HEAD",
                 "deep/er/also.css", ".top.css", "main.html"):
        (custom / name).parent.mkdir(parents=True, exist_ok=True)
        (custom / name).write_text(f"/* {name} */")
    (custom / ".icons" / "own").mkdir(parents=True)
    (custom / ".icons" / "own" / "mark.svg").write_text("<svg/>")
    config_file = tmp_path / "mkdocs.yml"
    config_file.write_text((ROOT / "mkdocs.yml").read_text().replace(
        "  name: material\n", f"  name: material\n  custom_dir: {custom}\n", 1))
    (tmp_path / "content").mkdir()

    expected = theme_files(load_config(str(config_file)))
    config = load_config(str(config_file))
    list_without_hidden_folders(config.theme)
    assert type(config.theme.get_env().loader) is not jinja2.FileSystemLoader
    assert theme_files(config) == expected
    names = [name for name, _ in expected]
    assert "extra/keep.js" in names and "deep/er/also.css" in names
    assert any(n.startswith("assets/javascripts/bundle.") for n in names)  # Material's own
    assert not [n for n in names if "/." in f"/{n}"]
    env = config.theme.get_env()
    assert env.get_template(".icons/own/mark.svg").render() == "<svg/>"
    assert "<svg" in env.get_template(".icons/material/email.svg").render()


def test_a_theme_environment_with_another_loader_is_left_as_it_is():
    config = load_config(str(ROOT / "mkdocs.yml"))
    made = config.theme.get_env()
    loader = jinja2.DictLoader({"a.css": "x"})
    config.theme.get_env = lambda: (setattr(made, "loader", loader), made)[1]
    list_without_hidden_folders(config.theme)
    assert config.theme.get_env().loader is loader
