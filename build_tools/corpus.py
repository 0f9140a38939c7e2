"""The book's own prose as a text corpus for the language-model demos: docs/**/*.md -> corpus.json.

Usage: python build_tools/corpus.py [--out FILE]   (FILE defaults to docs/vendor/data/corpus.json)

What is kept: the prose paragraphs, list items and quotes of every page, with inline markup removed (emphasis,
links keep their text, inline code keeps its text). What is dropped: fenced code blocks, formulas ($...$,
$$...$$, \\(...\\), \\[...\\]), tables, admonition and tab title lines (their indented body is kept as prose),
``::demo[...]`` lines, ``{{n:...}}`` placeholders, snippet includes, footnote and abbreviation definitions,
headings (recorded as each paragraph's section instead) and HTML.

Each paragraph records the page's site path (``concepts/transformer/``), the section heading it sits under and
that heading's anchor id, taken from Python-Markdown's own toc extension with the book's extensions, so that
``page + "#" + anchor`` is the link MkDocs builds. An unnamed section (text before the first ``##``) has the
anchor "".

Split (fixed and deterministic): a paragraph goes to validation when the SHA-1 of its text, read as a number, is
SPLIT_EVERY - 1 modulo SPLIT_EVERY (about every 10th paragraph, spread over all chapters and from the same
distribution), else to training. It depends on the paragraph alone: an edit moves only the paragraphs it touches
(a split by position would move every paragraph after an insertion, and with them the baselines and the benchmark
figures), and two copies of the same paragraph never sit on both sides.
"""
import argparse
import hashlib
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
DEFAULT_OUT = DOCS / "vendor" / "data" / "corpus.json"
SPLIT_EVERY = 10
FORMAT = 1
SNIPPET_DIRS = ["includes", "demos/examples"]
NUMBER_IN_HEADING = re.compile(r"^(#{1,6}[ \t][^\n]*\{\{n:[^\n]*?)$", re.M)
SNIPPET = re.compile(r'^([ \t]*)--8<--[ \t]+"([^"]+)"[ \t]*$', re.M)

FENCE = re.compile(r"^(\s*)(`{3,}|~{3,})")
HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
ADMONITION = re.compile(r"^(\s*)(!!!|\?\?\?\+?|===)\s")
DROP_LINE = re.compile(r"^\s*(::demo\[|--8<--|\*\[[^\]]*\]:|\[\^[^\]]+\]:|\|)")
LIST_MARK = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")
QUOTE_MARK = re.compile(r"^\s*(?:>\s?)+")
INLINE = [
    (re.compile(r"\$\$.*?\$\$"), ""),
    (re.compile(r"(?<!\\)\$[^$\n]+?(?<!\\)\$"), ""),
    (re.compile(r"\\\(.*?\\\)"), ""),
    (re.compile(r"\{\{n:[A-Za-z0-9_]+\}\}"), ""),
    (re.compile(r"\\\[.*?\\\]"), ""),
    (re.compile(r"!\[[^\]]*\]\([^)]*\)"), ""),
    (re.compile(r"\[\^[^\]]+\]"), ""),
    (re.compile(r"\[([^\]]+)\]\([^)]*\)"), r"\1"),
    (re.compile(r"\[([^\]]+)\]\[[^\]]*\]"), r"\1"),
    (re.compile(r"<[^>]+>"), ""),
    (re.compile(r"\{[:#.][^}]*\}"), ""),
    (re.compile(r"`+([^`]*)`+"), r"\1"),
    (re.compile(r"(\*\*|__)(.+?)\1"), r"\2"),
    (re.compile(r"(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?![\w*])"), r"\1"),
    (re.compile(r"~~(.+?)~~"), r"\1"),
]
CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")


def site_path(md_path, docs=DOCS):
    """docs/concepts/cnn.md -> 'concepts/cnn/'; docs/index.md -> ''; docs/business/index.md -> 'business/'."""
    rel = md_path.relative_to(docs).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "index":
        parts = parts[:-1]
    return "/".join(parts) + ("/" if parts else "")


def heading_ids(markdown_text):
    """[(level, id, name)] of every heading, as MkDocs' toc extension (with the book's extensions) names them."""
    import markdown
    from mkdocs.config import load_config

    global _md_config
    if _md_config is None:
        config = load_config(str(ROOT / "mkdocs.yml"))
        _md_config = (config["markdown_extensions"], config["mdx_configs"])
    md = markdown.Markdown(extensions=_md_config[0], extension_configs=_md_config[1])
    md.convert(markdown_text)
    out = []

    def walk(tokens):
        for t in tokens:
            out.append((t["level"], t["id"], t["name"]))
            walk(t["children"])

    walk(md.toc_tokens)
    return out


_md_config = None


def clean_inline(text):
    for pattern, repl in INLINE:
        text = pattern.sub(repl, text)
    text = text.replace("\\", "")
    return re.sub(r"[ \t]+", " ", text).strip()


def join_lines(lines):
    """A paragraph's lines as one string: no space where a line break falls between Chinese characters."""
    out = ""
    for line in lines:
        if out and not (CJK.match(out[-1]) or CJK.match(line[0])):
            out += " "
        out += line
    return out


def blocks(markdown_text):
    """Yield ('heading', level, text) and ('para', text) in page order, skipping what is not prose."""
    lines = markdown_text.splitlines()
    fence = None
    in_math = False
    para = []

    def flush():
        text = join_lines([t for t in (clean_inline(x) for x in para) if t])
        del para[:]
        # a paragraph left with nothing that reads as words (only punctuation from a removed formula) is dropped
        if re.search(r"[\w\u3400-\u9fff]", text):
            return text
        return None

    for raw in lines:
        if fence:
            if raw.strip().startswith(fence):
                fence = None
            continue
        m = FENCE.match(raw)
        if m:
            text = flush()
            if text:
                yield ("para", text)
            fence = m.group(2)[0] * len(m.group(2))
            continue
        stripped = raw.strip()
        if in_math:
            if stripped.endswith("$$") or stripped.endswith("\\]"):
                in_math = False
            continue
        if stripped.startswith("$$") or stripped.startswith("\\["):
            text = flush()
            if text:
                yield ("para", text)
            closed = stripped.endswith("$$") if stripped.startswith("$$") else stripped.endswith("\\]")
            in_math = not (closed and len(stripped) > 2)
            continue
        h = HEADING.match(raw)
        if h:
            text = flush()
            if text:
                yield ("para", text)
            yield ("heading", len(h.group(1)), clean_inline(h.group(2)))
            continue
        if not stripped or ADMONITION.match(raw) or DROP_LINE.match(raw) or stripped.startswith("<"):
            text = flush()
            if text:
                yield ("para", text)
            continue
        if LIST_MARK.match(raw):
            text = flush()
            if text:
                yield ("para", text)
            raw = LIST_MARK.sub("", raw, count=1)
        para.append(QUOTE_MARK.sub("", raw).strip())
    text = flush()
    if text:
        yield ("para", text)


def expand_snippets(text):
    """Inline ``--8<-- "file"`` includes the way pymdownx.snippets does (base paths from mkdocs.yml)."""
    def one(match):
        for base in SNIPPET_DIRS:
            path = ROOT / base / match.group(2)
            if path.exists():
                return expand_snippets(path.read_text(encoding="utf-8"))
        raise FileNotFoundError(match.group(2))
    return SNIPPET.sub(one, text)


def page_paragraphs(md_path, docs=DOCS):
    """Paragraph dicts of one page: text, page (site path), title, heading, anchor."""
    source = expand_snippets(md_path.read_text(encoding="utf-8"))
    for heading in NUMBER_IN_HEADING.findall(source):
        if re.search(r"\{[:]?\s*#[\w-]+\s*\}\s*$", heading):
            continue
        # the site slugs the number, which this module does not know: the generated anchor may differ
        print("corpus: warning: {}: a book number in the heading {!r}; its anchor may not match the site "
              "(give the heading an explicit id: {{#name}})".format(md_path.name, heading.strip()), file=sys.stderr)
    ids = [(level, anchor) for level, anchor, _ in heading_ids(re.sub(r"\{\{n:\w+\}\}", "0", source))]
    page = site_path(md_path, docs)
    title, heading, anchor = page, "", ""
    found = 0
    out = []
    for block in blocks(source):
        if block[0] == "heading":
            level, text = block[1], block[2]
            if found >= len(ids) or ids[found][0] != level:
                raise ValueError("{}: heading {!r} does not line up with the toc's headings {}".format(
                    md_path.name, text, ids))
            if level == 1:
                title = text
            heading, anchor = (text, ids[found][1]) if level > 1 else ("", "")
            found += 1
        else:
            out.append({"page": page, "title": title, "heading": heading, "anchor": anchor, "text": block[1]})
    if found != len(ids):
        raise ValueError("{}: found {} headings, the toc has {}".format(md_path.name, found, len(ids)))
    return out


def split_of(text):
    """"validation" for about one paragraph in SPLIT_EVERY, chosen by the paragraph's text alone; else "train"."""
    digest = int(hashlib.sha1(text.encode("utf-8")).hexdigest(), 16)
    return "validation" if digest % SPLIT_EVERY == SPLIT_EVERY - 1 else "train"


def build_corpus(docs=DOCS):
    pages = sorted(p for p in docs.rglob("*.md") if "vendor" not in p.relative_to(docs).parts)
    paragraphs = []
    for path in pages:
        paragraphs.extend(page_paragraphs(path, docs))
    for p in paragraphs:
        p["split"] = split_of(p["text"])
    train = [p["text"] for p in paragraphs if p["split"] == "train"]
    validation = [p["text"] for p in paragraphs if p["split"] == "validation"]
    text = "\n".join(p["text"] for p in paragraphs)
    return {
        "format": FORMAT,
        "source": "prose of docs/**/*.md (no code, formulas, tables, admonition titles, demo lines or HTML)",
        "split": "a paragraph is validation when int(sha1(its UTF-8 text)) % {0} == {1}, else train".format(
            SPLIT_EVERY, SPLIT_EVERY - 1),
        "split_every": SPLIT_EVERY,
        "pages": len(pages),
        "paragraph_count": len(paragraphs),
        "chars": {"total": len(text), "train": len("\n".join(train)), "validation": len("\n".join(validation)),
                  "distinct": len(set(text))},
        "utf8_bytes": len(text.encode("utf-8")),
        "sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(),
        "paragraphs": paragraphs,
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    corpus = build_corpus()
    data = json.dumps(corpus, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    if not args.out.exists() or args.out.read_bytes() != data:
        args.out.write_bytes(data)
    c = corpus["chars"]
    print("corpus: {} pages, {} paragraphs, {:,} characters ({:,} train, {:,} validation, {} distinct), "
          "{:.0f} kB file".format(corpus["pages"], corpus["paragraph_count"], c["total"], c["train"],
                                  c["validation"], c["distinct"], len(data) / 1e3))


if __name__ == "__main__":
    main()
