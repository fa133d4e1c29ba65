"""Where the scorecard sends a learner to read: the docs site's page for an exercise when
the site is being served (``make docs`` writes ``.grade/site.json`` while it runs; see
docs_hooks/), the task doc's file and anchor otherwise."""

import json
from pathlib import Path

from grader import KIT_ROOT

SITE_FILE = KIT_ROOT / ".grade" / "site.json"


def served_url(path: Path | None = None, timeout: float = 0.3) -> str | None:
    """The docs site's root URL if ``make docs`` says it serves one and it answers."""
    try:
        url = json.loads((SITE_FILE if path is None else path).read_text(encoding="utf-8"))["url"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if not isinstance(url, str) or not url.startswith(("http://127.0.0.1", "http://localhost")):
        return None  # only a site on this machine: the file is ours, but be strict about it
    from grader.stacks.process import http_ok

    if http_ok(url, timeout):
        return None  # a file left by a server that stopped
    return url if url.endswith("/") else url + "/"


def link(doc: str, base: str | None) -> str:
    """``tasks/01-user.md#014-log-in`` as the site's page URL under ``base``, or as it is."""
    if not base:
        return doc
    page, _, anchor = doc.partition("#")
    return f"{base}{page.removesuffix('.md')}/" + (f"#{anchor}" if anchor else "")
