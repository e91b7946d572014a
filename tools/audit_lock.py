"""Known vulnerabilities in the locked dependencies: pip-audit, with a fallback for this network.

pip-audit asks PyPI for each pinned version (`/pypi/<name>/<version>/json`) or OSV. Where those
cannot be reached (the build machines here reach PyPI's project pages only), this falls back to
the project pages: they list the advisories of the project's newest release, which is what most
pins are. Pins that neither source can judge are listed, not passed over silently.

Exit status: 0 no known vulnerability, 1 vulnerabilities found, 2 nothing could be audited.

    python tools/audit_lock.py requirements.lock
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

PIN = re.compile(r"^([A-Za-z0-9_.\-]+)==([^\s\\;]+)", re.MULTILINE)


def pins(lock: Path) -> dict[str, str]:
    return {name.lower(): version for name, version in PIN.findall(lock.read_text())}


def pip_audit(lock: Path) -> int | None:
    """pip-audit's verdict, or None when its service could not judge the pins from here."""
    result = subprocess.run([sys.executable, "-m", "pip_audit", "--strict", "--disable-pip", "--no-deps", "-r", str(lock),
                             "--progress-spinner", "off"], capture_output=True, text=True, timeout=600)
    if result.returncode == 0:
        print(result.stdout.strip() or "pip-audit: no known vulnerabilities")
        return 0
    if "could not be audited" in result.stderr or "Connection" in result.stderr:
        return None
    print(result.stdout + result.stderr)
    return 1


def project_page(name: str) -> dict | None:
    try:
        with urllib.request.urlopen(f"https://pypi.org/pypi/{name}/json", timeout=20) as response:  # noqa: S310
            return json.load(response)
    except OSError:
        return None


def fallback(lock: Path) -> int:
    pinned = pins(lock)
    with ThreadPoolExecutor(8) as pool:
        pages = dict(zip(pinned, pool.map(project_page, pinned), strict=True))
    found, unjudged, audited = [], [], 0
    for name, version in sorted(pinned.items()):
        page = pages[name]
        if page is None or page["info"]["version"] != version:
            unjudged.append(f"{name}=={version}" + (f" (newest is {page['info']['version']})" if page else " (unreachable)"))
            continue
        audited += 1
        for advisory in page.get("vulnerabilities", []):
            if not advisory.get("withdrawn"):
                found.append(f"{name}=={version}: {advisory.get('id')} {', '.join(advisory.get('aliases', []))}")
    print(f"audited {audited} of {len(pinned)} pins against PyPI's advisories for their newest release")
    for line in found:
        print(f"VULNERABLE {line}")
    if unjudged:
        print(f"not judged here ({len(unjudged)}): run `pip-audit -r requirements.lock` where OSV is reachable:")
        print("  " + "\n  ".join(unjudged))
    if found:
        return 1
    return 0 if audited else 2


def main() -> int:
    lock = Path(sys.argv[1] if len(sys.argv) > 1 else "requirements.lock")
    verdict = pip_audit(lock)
    if verdict is not None:
        return verdict
    print("pip-audit's vulnerability service cannot judge these pins from this machine; using PyPI's project pages")
    return fallback(lock)


if __name__ == "__main__":
    sys.exit(main())
