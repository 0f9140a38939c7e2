"""The corpus of the book's prose (build_tools/corpus.py) and its loader (demos/text.py)."""
import json
import os
import re
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parent.parent.parent
from build_tools import corpus as corpus_build
from demos.apps import InputError
from demos.text import MAX_PASTED_CHARS, CharVocab, Corpus, check_text, load_corpus

PAGE = """# 测试页

开头一段，在任何小节之前。

## 第一节

正文有**粗体**、*斜体*、[链接文字](other.md#x)和 `np.dot`，公式 $a+b$ 和 \\(c\\) 都不要，脚注[^f]也不要。
第二行接着写。

$$
E = mc^2
$$

| 表头 | 列 |
| --- | --- |
| 格子 | 值 |

```python
print("代码不要")
```

!!! warning "警告标题不要"
    警告正文要保留。

::demo[bpe]

数字 {{n:some_key}} 不要，<span>标签</span>去掉。

<div class="x">整行 HTML 不要</div>

- 列表第一项
- 列表第二项

## Section Two {#custom}

### 第一节

同名小节。

## 共有 {{n:some_key}} 种 {#counted}

带编号标题下的段落。

[^f]: 脚注定义不要。
*[S1]: 缩写定义不要
"""


@pytest.fixture(scope="module")
def toy(tmp_path_factory):
    docs = tmp_path_factory.mktemp("docs")
    (docs / "sub").mkdir()
    (docs / "sub" / "page.md").write_text(PAGE, encoding="utf-8")
    (docs / "index.md").write_text("# 首页\n\n" + "\n\n".join("第 {} 段。".format(i) for i in range(25)) + "\n",
                                   encoding="utf-8")
    return corpus_build.build_corpus(docs)


def texts(corpus, page):
    return [p["text"] for p in corpus["paragraphs"] if p["page"] == page]


def test_only_prose_is_kept(toy):
    got = texts(toy, "sub/page/")
    assert got[0] == "开头一段，在任何小节之前。"
    assert got[1] == "正文有粗体、斜体、链接文字和 np.dot，公式 和 都不要，脚注也不要。第二行接着写。"
    assert "警告正文要保留。" in got
    assert "数字 不要，标签去掉。" in got
    assert "列表第一项" in got and "列表第二项" in got
    joined = "\n".join(got)
    for gone in ["E = mc", "表头", "格子", "代码不要", "警告标题", "::demo", "{{n:", "整行", "脚注定义", "缩写定义",
                 "$", "**", "<", "|"]:
        assert gone not in joined, gone


def test_sections_and_anchors_follow_the_toc(toy):
    paras = [p for p in toy["paragraphs"] if p["page"] == "sub/page/"]
    assert (paras[0]["heading"], paras[0]["anchor"]) == ("", "")
    assert paras[1]["heading"] == "第一节" and paras[1]["title"] == "测试页"
    # Python-Markdown's default slug drops Chinese, so all-Chinese headings are numbered: "_1" is the page title
    assert paras[1]["anchor"] == "_2"
    same = [p for p in paras if p["text"] == "同名小节。"][0]
    assert same["heading"] == "第一节" and same["anchor"] == "_3"
    # a heading with a book number keeps its explicit id
    counted = [p for p in paras if p["text"] == "带编号标题下的段落。"][0]
    assert counted["anchor"] == "counted" and counted["heading"] == "共有 种"
    assert toy["paragraphs"][0]["page"] == "" and toy["paragraphs"][0]["title"] == "首页"


def test_split_is_by_a_hash_of_each_paragraph(toy):
    import hashlib
    expected = ["validation" if int(hashlib.sha1(p["text"].encode()).hexdigest(), 16) % 10 == 9 else "train"
                for p in toy["paragraphs"]]
    assert [p["split"] for p in toy["paragraphs"]] == expected
    c = Corpus(toy["paragraphs"])
    assert c.validation == "\n".join(p["text"] for p, s in zip(toy["paragraphs"], expected) if s == "validation")
    assert toy["chars"]["train"] == len(c.train) and toy["chars"]["validation"] == len(c.validation)
    # an inserted paragraph moves no other paragraph across the split
    texts = ["第 {} 段文字。".format(i) for i in range(200)]
    before = [corpus_build.split_of(t) for t in texts]
    after = [corpus_build.split_of(t) for t in texts[:50] + ["新插入的一段。"] + texts[50:]]
    assert after[:50] + after[51:] == before and 10 <= before.count("validation") <= 30


@pytest.fixture(scope="module")
def book(tmp_path_factory):
    out = tmp_path_factory.mktemp("corpus") / "corpus.json"
    corpus_build.main(["--out", str(out)])
    return out


def test_book_corpus_is_clean_and_consistent(book):
    data = json.loads(book.read_text(encoding="utf-8"))
    c = load_corpus(str(book))
    assert data["paragraph_count"] == len(c.paragraphs) > 500
    assert data["chars"]["total"] == len(c.text) and data["chars"]["train"] == len(c.train)
    assert len(c.train) > 8 * len(c.validation) > 0
    for p in c.paragraphs:
        assert not re.search(r"\$|```|::demo|\{\{n:|<[a-z/]|^\||\\\(", p["text"]), p
    # a heading with an explicit id and one with a generated id, as the built site names them
    attention = [p for p in c.paragraphs if p["page"] == "math/cnn-rnn-attention/" and p["heading"] == "缩放点积注意力"]
    assert attention and {p["anchor"] for p in attention} == {"attention"}
    errata = {p["anchor"] for p in c.paragraphs if p["page"] == "errata/"}
    assert any(re.match(r"^_\d+$", a) for a in errata)


def test_pasted_text_is_checked():
    with pytest.raises(InputError, match="空"):
        check_text("   \n ")
    with pytest.raises(InputError, match="太短"):
        check_text("短")
    with pytest.raises(InputError, match="太长"):
        check_text("字" * (MAX_PASTED_CHARS + 1))
    with pytest.raises(InputError, match="Unicode"):
        check_text("一段文字\ud800再来一些文字，足够长的文字")
    with pytest.raises(InputError, match="空字符"):
        check_text("一段文字\x00再来一些文字，足够长的文字")


def test_pasted_text_is_split():
    many = "\n".join("第 {} 行文字。".format(i) for i in range(30))
    c = Corpus.from_text(many)
    assert c.validation.splitlines() == ["第 9 行文字。", "第 19 行文字。", "第 29 行文字。"]
    one = "只有一段的文本，没有换行，但是足够长，可以切出验证集。"
    c = Corpus.from_text(one)
    assert c.train + c.validation == one and 0 < len(c.validation) < len(one) // 5


def test_char_vocab_round_trip():
    text = "大模型 LLM，😀 模型"
    vocab = CharVocab(text)
    assert vocab.size == len(set(text))
    ids = vocab.encode("模型😀")
    assert ids.dtype == np.int64 and vocab.decode(ids) == "模型😀"
    with pytest.raises(InputError, match="不在词表"):
        vocab.encode("猫")
