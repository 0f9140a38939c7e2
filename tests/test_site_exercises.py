"""The built site: each page of the concept, training-loop and maths parts ends with an exercise section of
3-5 numbered items, each with its answer collapsed in a <details> element."""
from html.parser import HTMLParser

import pytest

PAGES = [
    "concepts/neural-networks", "concepts/cnn", "concepts/rnn", "concepts/transformer", "concepts/pretraining",
    "training/loop", "math/activations", "math/losses", "math/optimizers", "math/backprop",
    "math/cnn-rnn-attention",
]
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class ExerciseSection(HTMLParser):
    """Collects, for the first <ol> after <h2 id="exercises">, one record per item: its <details> elements
    (class, open or not, summary text) and its text outside them (the question)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.seen_heading = False
        self.headings_after = 0
        self.ol_depth = None      # depth of the exercise list's <ol> once found
        self.depth = 0
        self.items = []
        self.details = None       # the <details> being read
        self.in_summary = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "h2" and attrs.get("id") == "exercises":
            self.seen_heading = True
        elif tag == "h2" and self.seen_heading:
            self.headings_after += 1
        if tag in VOID:
            return
        self.depth += 1
        if self.seen_heading and self.ol_depth is None and tag == "ol":
            self.ol_depth = self.depth
        elif self.ol_depth is not None and tag == "li" and self.depth == self.ol_depth + 1:
            self.items.append({"details": [], "question": ""})
        elif self.ol_depth is not None and self.items and tag == "details":
            self.details = {"class": attrs.get("class", ""), "open": "open" in attrs, "summary": ""}
            self.items[-1]["details"].append(self.details)
        elif self.details is not None and tag == "summary":
            self.in_summary = True

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if tag == "summary":
            self.in_summary = False
        elif tag == "details":
            self.details = None
        if self.ol_depth is not None and tag == "ol" and self.depth == self.ol_depth:
            self.ol_depth = -1    # the list is closed; ignore any later list
        self.depth -= 1

    def handle_data(self, data):
        if self.in_summary:
            self.details["summary"] += data
        elif self.ol_depth not in (None, -1) and self.items and self.details is None:
            self.items[-1]["question"] += data


@pytest.mark.parametrize("page", PAGES)
def test_page_has_exercises_with_collapsed_answers(site_dir, page):
    parser = ExerciseSection()
    parser.feed((site_dir / page / "index.html").read_text(encoding="utf-8"))
    assert parser.seen_heading, "no exercise section"
    assert parser.headings_after == 0, "the exercises are not the last section"
    assert 3 <= len(parser.items) <= 5, len(parser.items)
    for item in parser.items:
        assert item["question"].strip().endswith(("？", "。")), item["question"]
        assert len(item["details"]) == 1, item
        details = item["details"][0]
        assert "success" in details["class"].split()
        assert not details["open"], "an answer is shown without a click"
        assert details["summary"].strip() == "答案"
