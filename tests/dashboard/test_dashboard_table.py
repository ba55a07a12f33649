"""The table of every number is one piece of HTML (components.every_number): every value and key
is escaped, and nothing in it can end the HTML block that Markdown passes through whole."""

from __future__ import annotations

import json
from html.parser import HTMLParser

from quotasim.dashboard.components import every_number


class Cells(HTMLParser):
    """The tags, and the cells' ids, data-values and text, of a piece of HTML."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.cells: dict[str, tuple[str, str]] = {}
        self._open: str | None = None

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        attrs = dict(attrs)
        if tag == "td" and "id" in attrs:
            self._open = attrs["id"]
            self.cells[self._open] = (attrs["data-value"], "")

    def handle_data(self, data):
        if self._open:
            value, text = self.cells[self._open]
            self.cells[self._open] = (value, text + data)

    def handle_endtag(self, tag):
        if tag == "td":
            self._open = None


def table_html(*args, **kwargs) -> str:
    markdown = every_number(*args, **kwargs).children[1]
    assert markdown.dangerously_allow_html
    return markdown.children


def test_values_and_keys_are_escaped_and_the_block_has_no_blank_line():
    hostile = '<script>alert(1)</script>\n\n# heading "quoted" & more'
    text = table_html({"collected_usd": 1234.5, hostile: 3}, "job-1", [("scenario.name", hostile, None)])
    parser = Cells()
    parser.feed(text)
    assert "script" not in parser.tags
    assert "\n" not in text
    assert parser.cells["summary-collected_usd"] == (json.dumps(1234.5), "1,234.50")
    hostile_cell = next(v for k, v in parser.cells.items() if "alert" in k)
    assert hostile_cell == ("3", "3")


def test_a_pinned_run_adds_its_column_and_the_change():
    text = table_html({"arrested": 5}, "job-2", [("seed", 7, 3)], {"arrested": 2}, "job-1")
    parser = Cells()
    parser.feed(text)
    assert parser.cells["pinned-arrested"] == ("2", "2") and parser.cells["summary-arrested"] == ("5", "5")
    assert 'data-job="job-2"' in text and 'data-pinned="job-1"' in text
    assert '<td class="num change up">+3</td>' in text and '<td class="num differs">7</td>' in text
