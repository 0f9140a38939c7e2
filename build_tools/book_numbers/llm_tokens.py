"""Token counts and costs of the tokens page: the book's byte-level BPE (demos/bpe.py) trained natively.

Two tokenizers are trained, both byte-level BPE with the same code the page runs:

* on the training text of the book's own corpus (build_tools/corpus.py: the prose of every page; validation is
  about every 10th paragraph, chosen by a hash of its text), snapshotted at VOCAB_SIZES tokens;
* on English text only: this repository's README and the docstrings of its Python modules (a tokenizer
  "trained on mostly English data"), at the largest size.

All counts are measured on the corpus' validation text, which neither tokenizer saw. Training to the largest
size takes some seconds, so the merges are cached in .cache/book_numbers/ (git-ignored; build/ is wiped by
every wheel build) under the hash of the two training texts and of demos/bpe.py.
"""
import ast
import hashlib
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
CACHE = ROOT / ".cache" / "book_numbers"
VOCAB_SIZES = (512, 1024, 2048)
DOC_CHARS = 10000  # a document of this many characters of the book's kind of text
CONTEXT_TOKENS = 8192  # a context window of this many tokens
EN_HOLDOUT = 10  # every 10th English paragraph is held out


def _imports():
    from build_tools import corpus
    from demos import bpe
    from demos.text import Corpus
    return corpus, bpe, Corpus


def english_paragraphs():
    """English prose of the repository: README.md paragraphs (no tables, code or headings) and module docstrings."""
    paragraphs = []
    block = []
    in_code = False
    for line in (ROOT / "README.md").read_text(encoding="utf-8").splitlines():
        if line.startswith("```"):
            in_code = not in_code
            continue
        if in_code or line.startswith(("|", "#")) or not line.strip():
            if block:
                paragraphs.append(" ".join(block))
                block = []
            continue
        block.append(line.strip().lstrip("-* ").strip())
    if block:
        paragraphs.append(" ".join(block))
    for folder in ("demos", "demos/apps", "build_tools", "build_tools/book_numbers"):
        for path in sorted((ROOT / folder).glob("*.py")):
            doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8")))
            if doc:
                paragraphs.extend(p.replace("\n", " ").strip() for p in doc.split("\n\n") if p.strip())
    # the prose only: CJK-free paragraphs with some words in them
    return [p for p in paragraphs if p.isascii() and len(p.split()) >= 5]


def texts():
    """(book corpus, English training text, English held-out text)."""
    corpus_build, _, Corpus = _imports()
    book = Corpus(corpus_build.build_corpus()["paragraphs"])
    en = english_paragraphs()
    en_train = "\n".join(p for i, p in enumerate(en) if i % EN_HOLDOUT != EN_HOLDOUT - 1)
    en_held = "\n".join(p for i, p in enumerate(en) if i % EN_HOLDOUT == EN_HOLDOUT - 1)
    return book, en_train, en_held


def learned_merges(book_train, en_train):
    """{'book': merges, 'english': merges}, from the cache when the training texts have not changed."""
    _, bpe, _ = _imports()
    top = max(VOCAB_SIZES)
    code = Path(bpe.__file__).read_text(encoding="utf-8")  # a change to the algorithm retrains too
    key = hashlib.sha256((code + "\0" + book_train + "\0" + en_train + "\0" + str(top)).encode("utf-8"))
    path = CACHE / "llm_tokens-{}.json".format(key.hexdigest()[:16])
    if path.exists():
        return json.loads(path.read_text())
    merges = {"book": bpe.train(book_train, top).merges, "english": bpe.train(en_train, top).merges}
    CACHE.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(merges))
    return merges


def measure():
    """The raw figures (floats), before formatting."""
    _, bpe, _ = _imports()
    book, en_train, en_held = texts()
    merges = learned_merges(book.train, en_train)
    val = book.validation
    chars = len(val)
    out = {
        "corpus_chars": len(book.text),
        "train_chars": len(book.train),
        "val_chars": chars,
        "val_bytes": len(val.encode("utf-8")),
        "cjk_bytes": len("字".encode("utf-8")),
        "cjk_share": sum(1 for c in val if "\u3400" <= c <= "\u9fff") / chars,
        "en_train_chars": len(en_train),
    }
    for size in VOCAB_SIZES:
        tok = bpe.Tokenizer(merges["book"][:size - bpe.BASE])
        out["tokens_{}".format(size)] = len(tok.encode(val))
    english = bpe.Tokenizer(merges["english"])
    out["en_vocab"] = english.size
    out["en_tokens_zh"] = len(english.encode(val))
    out["en_tokens_en"] = len(english.encode(en_held))
    out["en_held_chars"] = len(en_held)
    book_top = bpe.Tokenizer(merges["book"])
    out["zh_tokens_en"] = len(book_top.encode(en_held))
    return out


def numbers():
    from . import fmt

    m = measure()
    top = max(VOCAB_SIZES)
    chars = m["val_chars"]
    per_1000 = lambda tokens, n=chars: 1000 * tokens / n  # noqa: E731
    out = {
        "tok_corpus_chars": "{:,}".format(m["corpus_chars"]),
        "tok_train_chars": "{:,}".format(m["train_chars"]),
        "tok_val_chars": "{:,}".format(chars),
        "tok_cjk_bytes": str(m["cjk_bytes"]),
        "tok_cjk_share": "{:.0f}%".format(100 * m["cjk_share"]),
        "tok_bytes_per_char": fmt(m["val_bytes"] / chars, 2),
        "tok_cpt_bytes": fmt(chars / m["val_bytes"], 2),
        "tok_bytes_per_1000": "{:,.0f}".format(per_1000(m["val_bytes"])),
        "tok_doc_chars": "{:,}".format(DOC_CHARS),
        "tok_doc_bytes": "{:,.0f}".format(DOC_CHARS * m["val_bytes"] / chars),
        "tok_context": "{:,}".format(CONTEXT_TOKENS),
        "tok_en_train_chars": "{:,}".format(m["en_train_chars"]),
        "tok_en_vocab": "{:,}".format(m["en_vocab"]),
        "tok_en_cpt_en": fmt(m["en_held_chars"] / m["en_tokens_en"], 2),
        "tok_en_cpt_zh": fmt(chars / m["en_tokens_zh"], 2),
        "tok_en_per_1000": "{:,.0f}".format(per_1000(m["en_tokens_zh"])),
        "tok_en_doc": "{:,.0f}".format(DOC_CHARS * m["en_tokens_zh"] / chars),
        "tok_en_ratio": fmt(m["en_tokens_zh"] / m["tokens_{}".format(top)], 1),
        "tok_zh_cpt_en": fmt(m["en_held_chars"] / m["zh_tokens_en"], 2),
    }
    for size in VOCAB_SIZES:
        tokens = m["tokens_{}".format(size)]
        out["tok_vocab_{}".format(size)] = "{:,}".format(size)
        out["tok_cpt_{}".format(size)] = fmt(chars / tokens, 2)
        out["tok_per_1000_{}".format(size)] = "{:,.0f}".format(per_1000(tokens))
        out["tok_doc_{}".format(size)] = "{:,.0f}".format(DOC_CHARS * tokens / chars)
        out["tok_context_chars_{}".format(size)] = "{:,.0f}".format(CONTEXT_TOKENS * chars / tokens)
    out["tok_context_chars_bytes"] = "{:,.0f}".format(CONTEXT_TOKENS * chars / m["val_bytes"])
    out["tok_context_chars_en"] = "{:,.0f}".format(CONTEXT_TOKENS * chars / m["en_tokens_zh"])
    return out
