"""The MkDocs hooks of the course site (mkdocs.yml ``hooks:``).

The site's pages are the kit's own files: MkDocs cannot take the kit root as its docs folder,
and tasks/ stays where the grader and GitHub read it, so these hooks add the files to the
site as generated files backed by the real ones:

    README.md                 -> index.md (the home page)
    tasks/<id>-<slug>.md      -> tasks/<id>-<slug>.md (each task's ``doc`` in course.toml)
    .grade/progress.json      -> progress.json (what ``grade`` last recorded; read by
                                 docs/assets/progress.js for the progress page and the badges)

docs/ holds the site's own pages (grading.md, progress.md) and assets. The nav is Home, the
tasks in course.toml's order, then the pages mkdocs.yml's ``nav`` lists. Headings get the
anchors the manifest computes (``grader.grading.manifest.github_anchor``, GitHub's rule), so
``tasks/01-user.md#014-log-in`` in a scorecard is also the site's ``tasks/01-user/#014-log-in``.

Markdown written for GitHub is made to read the same under Python-Markdown: a list that
follows a paragraph line gets the blank line Python-Markdown needs; links and images are
rewritten from the kit's layout to the site's (``tasks/01-user.md`` stays, ``README.md`` is
``index.md``, ``docs/screenshots/x.png`` is ``screenshots/x.png``); and a link to a file of the
kit that is not a page (``grader/checks/scoring.py``) becomes its text with the path as code (GitHub
would show the file; the site has no page for it). A link or image whose file does not exist
is left alone, so ``mkdocs build --strict`` fails on it.

While ``mkdocs serve`` runs (``make docs``), ``.grade/site.json`` holds the site's address,
``{"url": "http://127.0.0.1:8000/", "pid": ...}``, so the scorecard can link to the site's
pages; it is removed when the server stops. The server also rebuilds (and the open pages
reload) when tasks/, README.md, course.toml or the progress file change.

Environment:
    GRADE_PROGRESS_FILE   the progress file to serve (default .grade/progress.json under the
                          kit root; empty: none, the site shows no progress)
    GRADE_SITE_FILE       where ``mkdocs serve`` writes its address (default .grade/site.json)
"""

import json
import logging
import os
import posixpath
import re
import signal
import threading
from pathlib import Path
from urllib.parse import urlsplit

from mkdocs.structure.files import File, Files

from grader.grading import manifest

log = logging.getLogger("mkdocs.hooks.course_site")

PROGRESS_ENV = "GRADE_PROGRESS_FILE"
SITE_ENV = "GRADE_SITE_FILE"
PROGRESS_URI = "progress.json"
EMPTY_PROGRESS = {"schema": 1, "tasks": {}}
HOME = ("README.md", "index.md")  # the kit file and the page it becomes

_served_site_file: Path | None = None  # the site file this process wrote, removed on shutdown
_pages_of_build: dict[str, Path] = {}  # _pages(), read once per build in on_config
_docs_of_build = "docs"  # the docs folder, from the kit root


# --- where things are --------------------------------------------------------------------

def kit_root(config) -> Path:
    return Path(config.config_file_path).resolve().parent


def progress_file(root: Path) -> Path | None:
    value = os.environ.get(PROGRESS_ENV)
    if value is None:
        return root / ".grade" / "progress.json"
    return Path(value).expanduser().resolve() if value.strip() else None


def site_file(root: Path) -> Path:
    value = os.environ.get(SITE_ENV, "").strip()
    return Path(value).expanduser().resolve() if value else root / ".grade" / "site.json"


def slugify(value: str, separator: str = "-") -> str:
    """The toc extension's anchor for a heading: GitHub's, as the manifest computes it."""
    return manifest.github_anchor(value)


def _pages(root: Path, course: manifest.Course) -> dict[str, Path]:
    """Site path -> the kit file behind it, home page first, tasks in course order."""
    return {HOME[1]: root / HOME[0], **{task.doc: root / task.doc for task in course.tasks}}


# --- build -------------------------------------------------------------------------------

def on_config(config):
    global _pages_of_build, _docs_of_build
    root = kit_root(config)
    _docs_of_build = Path(os.path.relpath(config.docs_dir, root)).as_posix()
    config.mdx_configs.setdefault("toc", {})["slugify"] = slugify
    course = manifest.load(root / "course.toml")
    _pages_of_build = _pages(root, course)
    config.nav = [
        {"Home": HOME[1]},
        {"Tasks": [{f"{task.id} {task.title}": task.doc} for task in course.tasks]},
        *(config.nav or []),  # the site's own pages, as mkdocs.yml lists them
    ]
    return config


def on_files(files: Files, config) -> Files:
    root = kit_root(config)
    for src_uri, path in _pages_of_build.items():
        if (shadow := files.get_file_from_path(src_uri)) is not None:
            log.warning("%s/%s is ignored: the site's %s is %s", _docs_of_build, src_uri, src_uri, path.relative_to(root))
            files.remove(shadow)
        if not path.is_file():
            log.warning("%s is missing: the site has no page %s", path.relative_to(root), src_uri)
            continue
        files.append(File.generated(config, src_uri, abs_src_path=str(path)))
    if (shadow := files.get_file_from_path(PROGRESS_URI)) is not None:
        files.remove(shadow)
    files.append(File.generated(config, PROGRESS_URI, content=_progress_text(progress_file(root))))
    return files


def _progress_text(path: Path | None) -> str:
    """The progress file as the site serves it: as written, or empty when there is none yet
    (or it cannot be read: it is a convenience, never a reason for the build to fail)."""
    if path is None:
        return json.dumps(EMPTY_PROGRESS)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return json.dumps(EMPTY_PROGRESS)
    except (OSError, ValueError) as exc:
        log.info("the progress file %s cannot be read (%s); the site shows no progress", path, exc)
        return json.dumps(EMPTY_PROGRESS)
    if not isinstance(data, dict) or not isinstance(data.get("tasks"), dict):
        log.info("the progress file %s is not a progress file; the site shows no progress", path)
        return json.dumps(EMPTY_PROGRESS)
    return json.dumps(data)


def on_page_markdown(markdown: str, page, config, files: Files) -> str:
    root = kit_root(config)
    return _github_to_mkdocs(markdown, _kit_path(page.file.src_uri), root, files)


def _kit_path(src_uri: str) -> str:
    """Where a page's source lives in the kit, as a path from the kit root."""
    if src_uri == HOME[1]:
        return HOME[0]
    if src_uri in _pages_of_build:
        return src_uri
    return posixpath.join(_docs_of_build, src_uri)


_FENCE = re.compile(r"^\s*(`{3,}|~{3,})")
_LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d{1,9}[.)])\s+\S")
_BLOCK_START = re.compile(r"^\s*(?:\?\?\?\+?|!!!)\s")  # an admonition or details line: content may follow
_LINK = re.compile(r"(?<!\\)(!?)\[((?:[^\[\]]|\[[^\[\]]*\])*)\]\(\s*<?([^()\s<>]+)>?((?:\s+\"[^\"]*\")?)\s*\)")
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")


def _github_to_mkdocs(markdown: str, source: str, root: Path, files: Files) -> str:
    """Blank lines before lists, then links rewritten, outside fenced code blocks."""
    chunks: list[tuple[bool, list[str]]] = []  # (inside a fence, its lines), in order
    fence: str | None = None
    in_list = False
    for line in markdown.split("\n"):
        match = _FENCE.match(line)
        inside = fence is not None or match is not None
        if fence is not None:
            if match and match.group(1)[0] == fence[0] and len(match.group(1)) >= len(fence):
                fence = None
        elif match:
            fence, in_list = match.group(1), False
        elif not line.strip():
            in_list = False
        elif _LIST_ITEM.match(line):
            lines = chunks[-1][1] if chunks and not chunks[-1][0] else []
            previous = lines[-1] if lines else ""
            if not in_list and previous.strip() and not _BLOCK_START.match(previous):
                lines.append("")  # Python-Markdown starts a list only after a blank line
            in_list = True
        if not chunks or chunks[-1][0] != inside:
            chunks.append((inside, []))
        chunks[-1][1].append(line)
    def rewrite(match: re.Match) -> str:
        return _rewrite_link(match, source, root, files)

    return "\n".join("\n".join(lines) if inside else _LINK.sub(rewrite, "\n".join(lines))
                     for inside, lines in chunks)


def _rewrite_link(match: re.Match, source: str, root: Path, files: Files) -> str:
    image, text, target, title = match.groups()
    if target.startswith(("#", "/")) or _SCHEME.match(target):
        return match.group(0)
    path, _, anchor = target.partition("#")
    kit_target = posixpath.normpath(posixpath.join(posixpath.dirname(source), path))
    if kit_target == ".." or kit_target.startswith("../"):
        return match.group(0)  # outside the kit: left to the link check
    site_target = _site_path(kit_target, files)
    if site_target is not None:  # a page or a file of the site: linked as the site lays it out
        page_dir = posixpath.dirname(_site_path(source, files) or source)
        new = posixpath.relpath(site_target, page_dir or ".") + (f"#{anchor}" if anchor else "")
        return f"{image}[{text}]({new}{title})"
    if image:
        return match.group(0)  # an image the site does not have: the strict build reports it
    if (root / kit_target).exists():  # a file of the kit that is no page: its path, as code
        shown = text.strip()
        if shown.startswith("`") and shown.endswith("`"):
            return text
        return f"{text} (`{kit_target}`)"
    return match.group(0)  # missing: the strict build reports it


def _site_path(kit_path: str, files: Files) -> str | None:
    """The site path of a kit file that is a page, or a file of docs/ (such as an image in
    docs/screenshots/), else None."""
    if kit_path == HOME[0]:
        return HOME[1]
    if kit_path in _pages_of_build:
        return kit_path if files.get_file_from_path(kit_path) is not None else None
    prefix = _docs_of_build + "/"
    if kit_path.startswith(prefix) and files.get_file_from_path(kit_path[len(prefix):]) is not None:
        return kit_path[len(prefix):]
    return None


# --- serve -------------------------------------------------------------------------------

def on_serve(server, config, builder):
    global _served_site_file
    root = kit_root(config)
    target = site_file(root)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_suffix(".tmp")
        tmp.write_text(json.dumps({"url": _local_url(config.site_url), "pid": os.getpid()}) + "\n", encoding="utf-8")
        tmp.replace(target)
        _served_site_file = target
    except OSError as exc:
        log.info("could not write %s (%s): the scorecard will link to the files", target, exc)
    for path in (root / "tasks", root / HOME[0], root / "course.toml"):
        if path.exists():
            server.watch(str(path))
    progress = progress_file(root)
    if progress is not None:
        # The grader replaces the file (write, then rename): watch its folder, not the file.
        progress.parent.mkdir(parents=True, exist_ok=True)
        server.watch(str(progress.parent), recursive=False)
    if threading.current_thread() is threading.main_thread():
        # `kill` as well as Ctrl-C: stop through mkdocs' own path, so on_shutdown runs.
        signal.signal(signal.SIGTERM, _interrupt)
    return server


def _local_url(site_url: str | None) -> str:
    """The served address as this machine reaches it (a server on every interface too)."""
    parts = urlsplit(site_url or "http://127.0.0.1:8000/")
    if parts.hostname in ("0.0.0.0", "::"):
        return f"http://127.0.0.1:{parts.port}{parts.path or '/'}"
    return parts.geturl()


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def on_shutdown():
    global _served_site_file
    target, _served_site_file = _served_site_file, None
    if target is None:
        return
    try:
        if json.loads(target.read_text(encoding="utf-8")).get("pid") == os.getpid():
            target.unlink()
    except (OSError, ValueError, AttributeError):
        pass
