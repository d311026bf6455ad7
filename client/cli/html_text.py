"""AWS service-model documentation (a small HTML subset) turned into plain-text paragraphs."""

from __future__ import annotations

import re
from html.parser import HTMLParser

_SPACES = re.compile(r"\s+")
# Tags that end a paragraph: the text after them starts a new one.
_BLOCK_TAGS = frozenset({"p", "note", "important", "ul", "ol", "li", "dl", "dt", "dd", "br"})


class _Paragraphs(HTMLParser):
    """Collects the text of each block element; list items are prefixed with `- `."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.paragraphs: list[str] = []
        self._current: list[str] = []
        # A list item began: its first paragraph (often inside a <p>) gets the dash.
        self._bullet = False

    def _flush(self) -> None:
        text = _SPACES.sub(" ", "".join(self._current)).strip()
        if text:
            self.paragraphs.append(f"- {text}" if self._bullet else text)
            self._bullet = False
        self._current = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCK_TAGS:
            self._flush()
        if tag == "li":
            self._bullet = True

    def handle_endtag(self, tag: str) -> None:
        if tag in _BLOCK_TAGS:
            self._flush()

    def handle_data(self, data: str) -> None:
        self._current.append(data)

    def close(self) -> None:
        super().close()
        self._flush()


def html_to_text(documentation: str) -> str:
    """Plain text, one paragraph per block element, paragraphs separated by a blank line."""
    parser = _Paragraphs()
    parser.feed(documentation)
    parser.close()
    return "\n\n".join(parser.paragraphs)
