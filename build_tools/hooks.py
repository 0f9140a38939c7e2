"""MkDocs hooks: the book's two pieces of markup, and the runtimes the demos need.

* ``{{n:key}}`` is replaced by the number ``key`` computed in ``build_tools/book_numbers``.
* Formulas and diagrams are rendered at build time (``build_tools/render.py``); heading ids never start with a digit;
  no element keeps a style attribute (render.py turns them into classes of one generated style sheet).
* Markdown is written as HTML, not XHTML (``<hr>``, ``<input checked>``), as the rest of the page is.
* A line ``::demo[id]`` (optionally ``::demo[id]{key=value ...}``) becomes the element the demo
  host script mounts a demo on: ``<div class="demo" data-demo="id" data-key="value"></div>``. When the demo's
  Python session declares ``SETTINGS`` (``demos/apps/settings.py``), the declaration goes along as
  ``data-settings`` (JSON), so the page builds its controls from the one declaration.
"""
import html
import importlib
import importlib.util
import json
import re
from pathlib import Path

from markdown.extensions import Extension

# MkDocs runs from the repository root (`python -m mkdocs`), so the build_tools and demos packages import.
from build_tools import render
from build_tools.book_numbers import all_numbers

NUMBER = re.compile(r"\{\{n:([A-Za-z0-9_]+)\}\}")
DEMO = re.compile(r"^::demo\[([a-z0-9-]+)\](?:\{([^}]*)\})?[ \t]*$", re.M)
ATTR = re.compile(r'([a-z][a-z0-9-]*)=("[^"]*"|\S+)')

_numbers = None


def numbers():
    global _numbers
    if _numbers is None:
        _numbers = all_numbers()
    return _numbers


def substitute_numbers(markdown, where):
    table = numbers()

    def one(match):
        key = match.group(1)
        if key not in table:
            raise KeyError("{}: unknown book number {{{{n:{}}}}}".format(where, key))
        return table[key]

    return NUMBER.sub(one, markdown)


def declared_settings(demo_id):
    """The JSON of demos/apps/<demo>.SETTINGS, or None for a demo without a Python session."""
    name = "demos.apps." + demo_id.replace("-", "_")
    if importlib.util.find_spec(name) is None:
        return None
    settings = getattr(importlib.import_module(name), "SETTINGS", None)
    return None if settings is None else json.dumps(settings.spec(), ensure_ascii=False, separators=(",", ":"))


def demo_element(match):
    attrs = ['class="demo"', 'data-demo="{}"'.format(match.group(1))]
    for key, value in ATTR.findall(match.group(2) or ""):
        attrs.append('data-{}="{}"'.format(key, html.escape(value.strip('"'))))
    settings = declared_settings(match.group(1))
    if settings is not None:
        attrs.append('data-settings="{}"'.format(html.escape(settings)))
    return "<div {}></div>".format(" ".join(attrs))


class HtmlOutput(Extension):
    """Python-Markdown's HTML serializer: void elements without "/>", boolean attributes without a value (the
    footnotes' <hr>, the content tabs' <input checked>)."""

    def extendMarkdown(self, md):
        # Markdown sets its output format after loading the extensions, then resets them: set it on reset.
        self.md = md
        md.registerExtension(self)

    def reset(self):
        self.md.set_output_format("html")


def on_config(config):
    global _numbers
    _numbers = None  # recomputed on every (re)build, so `mkdocs serve` picks up edits
    config.mdx_configs.setdefault("toc", {})["slugify"] = render.slugify
    config.markdown_extensions.append(HtmlOutput())
    return config


def on_page_markdown(markdown, page, config, files):
    markdown = substitute_numbers(markdown, page.file.src_path)
    return DEMO.sub(demo_element, markdown)


def on_post_page(output, page, config):
    return render.render_page(output, page.url, page.file.src_path)


def on_post_build(config):
    render.write_style_sheet(config.site_dir)
    render.close()
    compact_search_index(Path(config.site_dir) / "search" / "search_index.json")


def compact_search_index(path):
    """Material writes its search index with every Chinese character escaped (``\\u5bfc``, 6 bytes instead of 3):
    write it back as UTF-8, the same JSON, 40 % smaller (about 10 % smaller gzipped) for the reader to load."""
    if path.exists():
        index = json.loads(path.read_text(encoding="utf-8"))
        path.write_text(json.dumps(index, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")


def on_build_error(error):
    render.close()
