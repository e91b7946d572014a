"""The private-network guard against IPv4 written inside IPv6 (issue 23, item 10), and `newsdesk extract`
judging every redirect hop (item 8)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from core.network import address_is_public
from tests.faults.server import FaultServer, redirect, respond

ROOT = Path(__file__).resolve().parent.parent
PUBLIC = "http://93.184.215.14"  # judged by the guard, never contacted: the fault server is the proxy


@pytest.mark.parametrize("address", [
    "64:ff9b::a9fe:a9fe",          # NAT64 of 169.254.169.254
    "64:ff9b::7f00:1",             # NAT64 of 127.0.0.1
    "64:ff9b::a00:1",              # NAT64 of 10.0.0.1
    "2002:a9fe:a9fe::1",           # 6to4 of 169.254.169.254
    "2002:7f00:1::",               # 6to4 of 127.0.0.1
    "2002:c0a8:101::1",            # 6to4 of 192.168.1.1
    "::a9fe:a9fe",                 # IPv4-compatible 169.254.169.254
    "::127.0.0.1",                 # IPv4-compatible loopback
    "::10.0.0.1",
    "2001:0:4136:e378:8000:63bf:3fff:fdd2",  # Teredo: client 192.0.2.45 (documentation range)
    "2001:0:a9fe:a9fe:0:0:0:1",    # Teredo whose server is 169.254.169.254
])
def test_ipv4_embedded_in_ipv6_is_unwrapped_and_judged(address):
    assert not address_is_public(address)


@pytest.mark.parametrize("address", ["64:ff9b::808:808", "2002:808:808::1", "2606:4700:4700::1111", "8.8.8.8"])
def test_public_addresses_in_those_forms_stay_public(address):
    assert address_is_public(address)


def extract(url: str, proxy: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "http_proxy": proxy, "no_proxy": "", "NEWSDESK_CONFIG": "/nonexistent/newsdesk.toml",
           "NEWSDESK_ALLOW_PRIVATE_NETWORKS": "0", "NEWSDESK_DOWNLOAD_TIMEOUT": "5"}
    return subprocess.run([sys.executable, "-m", "newsdesk", "extract", url], cwd=ROOT, capture_output=True,
                          text=True, timeout=60, env=env)


@pytest.mark.parametrize("target", ["http://169.254.169.254/latest/meta-data/", "http://127.0.0.1:6379/",
                                    "http://[64:ff9b::a9fe:a9fe]/latest/"])
def test_extract_refuses_a_redirect_to_a_private_address_and_never_requests_it(target):
    with FaultServer() as site:
        site.route(f"{PUBLIC}/moved", redirect(target))
        site.route(target, respond(b"<html><body><p>metadata secrets</p></body></html>"))
        result = extract(f"{PUBLIC}/moved", site.base)
        requested = [hit.url for hit in site.hits]
    assert result.returncode != 0
    assert "private address" in result.stderr and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert requested == [f"{PUBLIC}/moved"]  # the redirect target was never asked for


def test_extract_follows_a_redirect_between_public_addresses():
    page = ("<html><head><title>Talks resume</title></head><body><article><h1>Talks resume</h1>"
            + "".join(f"<p>Paragraph {n}: ministers met in Geneva on Monday and agreed to continue the talks "
                      f"on trade, visas and the release of detained journalists next week.</p>" for n in range(6))
            + "</article></body></html>").encode()
    with FaultServer() as site:
        site.route(f"{PUBLIC}/moved", redirect(f"{PUBLIC}/world/talks"))
        site.route(f"{PUBLIC}/world/talks", respond(page))
        result = extract(f"{PUBLIC}/moved", site.base)
    assert result.returncode == 0, result.stderr
    assert "Talks resume" in result.stdout
