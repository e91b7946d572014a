"""`newsdesk extract`: the crawl's extraction and cleaning of any page, for operators."""

from __future__ import annotations

import gzip
import json
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import typer

from core.errors import UserError
from core.network import check_public_url
from core.settings import get_settings
from newsdesk.cli.app import app, err_console

# Extraction modules (trafilatura, lxml) are imported inside the commands that use them: every
# `newsdesk` invocation, `newsdesk crawl` included, would otherwise carry them in memory.

MAX_FILE_BYTES = 50 * 1024 * 1024


def _read_file(path: Path) -> bytes:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise UserError(f"cannot read {path}: {exc.strerror or exc}") from None
    if raw[:2] == b"\x1f\x8b":
        try:
            with gzip.open(path) as handle:
                raw = handle.read(MAX_FILE_BYTES + 1)
        except (OSError, EOFError) as exc:
            raise UserError(f"{path}: not a valid gzip file ({exc})") from None
    if len(raw) > MAX_FILE_BYTES:
        raise UserError(f"{path}: larger than {MAX_FILE_BYTES // 1024 // 1024} MB")
    return raw


MAX_REDIRECTS = 10  # as the crawl (REDIRECT_MAX_TIMES)


class _GuardedRedirects(urllib.request.HTTPRedirectHandler):
    """Every redirect hop judged by the private-network guard before it is followed, as in crawls:
    checking only the first host let a redirect reach 169.254.169.254 (issue 23)."""

    max_redirections = MAX_REDIRECTS

    def __init__(self, guard: bool):
        self.guard = guard

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        if self.guard:
            check_public_url(newurl)
        elif urlsplit(newurl).scheme not in ("http", "https"):
            raise UserError(f"{newurl}: scheme {urlsplit(newurl).scheme!r} is not http(s)")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def _fetch(url: str) -> tuple[bytes, str | None, str]:
    """One GET with the crawl's user agent, timeout, size cap and private-network guard (every hop)."""
    settings = get_settings()
    guard = not settings.allow_private_networks
    if guard:
        check_public_url(url)
    request = urllib.request.Request(url, headers={"User-Agent": settings.effective_user_agent})
    opener = urllib.request.build_opener(_GuardedRedirects(guard))
    try:
        with opener.open(request, timeout=settings.download_timeout) as response:
            body = response.read(settings.max_page_bytes + 1)
            return body, response.headers.get("Content-Type"), response.geturl()
    except OSError as exc:
        raise UserError(f"cannot fetch {url}: {getattr(exc, 'reason', exc)}") from None


def _record(source: str, body: bytes, content_type: str | None, url: str | None) -> dict:
    from core.urls import resolve_page_urls
    from pipelines.extraction.extractor import extract_page

    extracted = extract_page(body, url=url, content_type=content_type, min_text_chars=get_settings().min_text_chars)
    record = extracted.as_json()
    record["canonical_url"] = (resolve_page_urls(url, canonical_link=extracted.canonical_link,
                                                 amp_link=extracted.amp_link)[0] if url else extracted.canonical_link)
    return {"file": source, **record}


def _print_human(record: dict) -> None:
    typer.echo(f"== {record['file']}")
    for key in ("title", "canonical_url", "authors", "published_at", "updated_at", "language", "section",
                "dateline", "description", "word_count", "encoding"):
        typer.echo(f"{key:>13}: {record.get(key)}")
    for key in ("countries", "organisations"):
        typer.echo(f"{key:>13}: {', '.join(f'{name} {count}' for name, count in record[key].items()) or '-'}")
    typer.echo(f"{'primary':>13}: {record['primary_country'] or '-'}")
    typer.echo("")
    typer.echo(record["text"])
    typer.echo("")


@app.command("extract")
def extract(
    inputs: list[str] = typer.Argument(..., help="HTML files (.gz too) or http(s) URLs."),
    url: str = typer.Option(None, "--url", help="The URL a file was fetched from (canonical URL, URL dates)."),
    as_json: bool = typer.Option(False, "--json", help="One JSON object per page, per line, with a `file` key."),
) -> None:
    """Run exactly the crawl's extraction and cleaning on pages and print the records.

    This is how to see why a page came out wrong: the same code the crawl runs, on one page.
    Exit status 1 if a page was refused (the reason is printed).

    Example: `newsdesk extract saved-page.html.gz --url https://www.dawn.com/news/123 --json`
    """
    from core.outcomes import Rejected

    refused = 0
    for source in inputs:
        if source.startswith(("http://", "https://")):
            body, content_type, final_url = _fetch(source)
        else:
            body, content_type, final_url = _read_file(Path(source)), None, url
        try:
            record = _record(source, body, content_type, final_url)
        except Rejected as rejected:
            refused += 1
            if as_json:
                typer.echo(json.dumps({"file": source, "rejected": rejected.reason, "detail": rejected.detail}))
            else:
                err_console.print(f"{source}: refused: {rejected}", markup=False, highlight=False)
            continue
        if as_json:
            typer.echo(json.dumps(record, ensure_ascii=False))
        else:
            _print_human(record)
    raise typer.Exit(1 if refused else 0)
