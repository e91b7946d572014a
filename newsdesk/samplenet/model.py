"""What the sample network hands to its HTTP server: pages as bytes, and outlets as data."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Page:
    """One response, ready to send."""

    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds the server waits before answering (the "slow page")


@dataclass(frozen=True)
class Outlet:
    """One fictional outlet, described the way a sources file would describe it (paths, not URLs)."""

    key: str
    name: str
    country: str
    language: str
    feeds: list[str]
    sitemaps: list[str]
    sections: list[tuple[str, str]]  # (listing path, follow regex matching article URLs)


def html_page(markup: str, *, charset: str = "utf-8", status: int = 200, delay: float = 0.0) -> Page:
    # Encoding strictly: a character the declared charset cannot hold is a bug in the sample,
    # not something to paper over with "?" or character references.
    return Page(
        status=status,
        body=markup.encode(charset),
        headers={"Content-Type": f"text/html; charset={charset_label(charset)}"},
        delay=delay,
    )


def xml_page(text: str, content_type: str = "application/xml") -> Page:
    return Page(body=text.encode("utf-8"), headers={"Content-Type": f"{content_type}; charset=UTF-8"})


def text_page(text: str) -> Page:
    return Page(body=text.encode("utf-8"), headers={"Content-Type": "text/plain; charset=utf-8"})


def charset_label(charset: str) -> str:
    """The name servers put on the wire, which is not always Python's codec name."""
    return {"utf-8": "UTF-8", "cp1252": "windows-1252"}.get(charset, charset)
