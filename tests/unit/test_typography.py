"""Chinese typography of the book's prose: a space between Chinese and Latin letters or digits, and full-width
punctuation after Chinese text. Code, formulas, links, HTML and quoted source text (《…》, “…”) are left as they are."""
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PAGES = sorted((ROOT / "docs").rglob("*.md")) + sorted((ROOT / "includes").glob("*.md"))
CJK = "[\u4e00-\u9fff]"


def prose(text):
    for pattern in (r"```.*?```", r"\$\$.*?\$\$", r"<[^>]+>.*?</[^>]+>", r"《[^》]*》", r"“[^”]*”", r"「[^」]*」"):
        text = re.sub(pattern, " ", text, flags=re.S)
    for pattern in (r"\$[^$\n]+\$", r"`[^`\n]+`", r"\{\{n:\w+\}\}", r"\]\([^)]*\)", r"^\*\[[^\]]+\]:.*$",
                    r"^\[\^\w+\]:.*$"):
        text = re.sub(pattern, " ", text, flags=re.M)
    return text


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_chinese_typography(page):
    text = prose(page.read_text(encoding="utf-8"))
    glued = re.findall(".{0,8}(?:" + CJK + "[A-Za-z0-9]|[A-Za-z0-9]" + CJK + ").{0,8}", text)
    half_width = re.findall(".{0,8}" + CJK + r"[,;:!?](?=\s|$).{0,4}", text, flags=re.M)
    assert not glued, "no space between Chinese and Latin text: {}".format(glued[:10])
    assert not half_width, "half-width punctuation after Chinese text: {}".format(half_width[:10])
