"""Page weight: the stylesheets, scripts and icons that surround a story on a real news page.

A real article page is 30-150 KB around 2 KB of story. Extractors and deduplication have to cope
with that ratio (and with boilerplate that is identical across pages), so the templates pad their
pages with this material. It is generated, deterministic and ASCII-only (one page is served in
windows-1252), and none of it contains links a crawler could follow.
"""

from __future__ import annotations

import json

_COMPONENTS = [
    "header", "masthead", "nav", "menu", "submenu", "logo", "search", "hero", "card", "teaser",
    "byline", "meta", "share", "related", "widget", "sidebar", "footer", "newsletter", "ad-slot",
    "breadcrumb", "pagination", "comment", "tag", "ticker", "video", "gallery", "caption",
    "most-read", "subscribe", "cookie-banner",
]
_PARTS = ["", "__inner", "__title", "__link", "__icon", "__label", "--compact", "--featured"]
_COLOURS = ["#111", "#333", "#555", "#767676", "#d9d9d9", "#f4f4f4", "#fff"]
_SPACES = ["0", "4px", "8px", "12px", "16px", "24px", "32px"]
_BREAKPOINTS = ["600px", "900px", "1200px"]


def stylesheet(prefix: str, accent: str) -> str:
    """About 25 KB of plausible CSS for a site whose class names start with ``prefix``."""
    rules = []
    for c, component in enumerate(_COMPONENTS):
        for p, part in enumerate(_PARTS):
            n = c * len(_PARTS) + p
            rules.append(
                f".{prefix}-{component}{part}{{display:{'flex' if n % 3 == 0 else 'block'};"
                f"margin:{_SPACES[n % 7]} {_SPACES[(n + 2) % 7]};padding:{_SPACES[(n + 3) % 7]};"
                f"color:{accent if n % 5 == 0 else _COLOURS[n % 7]};"
                f"font-size:{12 + n % 9}px;line-height:{1.2 + (n % 5) / 10:.1f};"
                f"border-bottom:1px solid {_COLOURS[(n + 4) % 7]}}}"
            )
    for breakpoint in _BREAKPOINTS:
        inner = "".join(
            f".{prefix}-{component}{{padding:{_SPACES[i % 7]};max-width:{breakpoint}}}"
            f".{prefix}-{component}__title{{font-size:{14 + i % 6}px}}"
            for i, component in enumerate(_COMPONENTS)
        )
        rules.append(f"@media (min-width:{breakpoint}){{{inner}}}")
    return "\n".join(rules)


def consent_script(site_name: str, vendor_count: int = 80) -> str:
    """The configuration object a consent-management platform inlines in every page."""
    config = {
        "siteName": site_name,
        "language": "auto",
        "gdprApplies": True,
        "purposes": [{"id": i, "name": f"Purpose {i}", "legitimateInterest": i % 2 == 0} for i in range(1, 11)],
        "vendors": [
            {"id": 1000 + i, "name": f"Vendor {i:03d} Media Ltd", "purposes": [1 + i % 10, 1 + (i * 3) % 10],
             "cookieMaxAgeSeconds": 86400 * (1 + i % 365), "usesNonCookieAccess": i % 4 == 0}
            for i in range(vendor_count)
        ],
    }
    return (
        "window.__cmpConfig = " + json.dumps(config, separators=(",", ":")) + ";\n"
        "(function(){var q=[];window.__cmp=function(){q.push(arguments)};"
        "window.__cmp.q=q;var s=document.createElement('script');s.async=true;"
        "s.src='/static/cmp/loader.js';document.head.appendChild(s);})();"
    )


def analytics_script(account: str) -> str:
    """A tag-manager bootstrap and a data layer, as most news sites carry."""
    return (
        "window.dataLayer = window.dataLayer || [];\n"
        "function gtag(){dataLayer.push(arguments);}\n"
        f"gtag('js', new Date()); gtag('config', '{account}', {{'anonymize_ip': true}});\n"
        "(function(w,d,s,l,i){w[l]=w[l]||[];w[l].push({'start':new Date().getTime(),event:'tm.js'});"
        "var f=d.getElementsByTagName(s)[0],j=d.createElement(s);j.async=true;"
        f"j.src='/static/tm.js?id='+i;f.parentNode.insertBefore(j,f);}})(window,document,'script','dataLayer','{account}');"
    )


def page_data_script(variable: str, data: dict) -> str:
    """Page state embedded as JSON, as single-page-app front ends do."""
    text = json.dumps(data, ensure_ascii=True, separators=(",", ":")).replace("</", "<\\/")
    return f"window.{variable} = {text};"


def icon_sprite() -> str:
    """An inline SVG sprite of share and UI icons (kept hidden; only <use> references it)."""
    names = ["facebook", "x", "whatsapp", "linkedin", "email", "print", "search", "menu", "close",
             "play", "camera", "clock", "comment", "bookmark", "arrow-right", "arrow-left"]
    symbols = []
    for i, name in enumerate(names):
        points = " ".join(f"L{(i * 7 + k * 5) % 24} {(i * 3 + k * 11) % 24}" for k in range(12))
        symbols.append(f'<symbol id="icon-{name}" viewBox="0 0 24 24"><path d="M{i % 24} 0 {points}Z"/></symbol>')
    return '<svg xmlns="http://www.w3.org/2000/svg" style="display:none">' + "".join(symbols) + "</svg>"


def ad_slot(name: str, size: str = "300x250") -> str:
    width, height = size.split("x")
    return (f'<div class="ad-slot" id="ad-{name}" data-ad-unit="/21700/news/{name}" data-size="{size}" '
            f'style="min-width:{width}px;min-height:{height}px"><span class="ad-label">Advertisement</span></div>')
