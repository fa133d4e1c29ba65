"""The task docs as a website (mkdocs.yml, docs/, docs_hooks/site.py).

The site is built strictly, as `make docs-build` does, from the kit's own files and a progress
file written by a real grading; then Debian's chromium (driven by playwright, never a browser
of playwright's own) loads every page from a plain static server: no console error, every
exercise anchor the manifest computes, hints folded, search and copy buttons, and the progress
page and task badges showing the grading. `mkdocs serve` (`make docs`) is run too: it announces
its address in the site file, follows the progress file and removes the site file on exit.

SITE_SCREENSHOTS=1 also saves docs/screenshots/task-page.png and docs/screenshots/progress.png.
"""

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from grader import KIT_ROOT
from grader.grading import manifest

CHROMIUM = Path("/usr/bin/chromium")
BROWSER_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--no-first-run"]
SCREENSHOTS = KIT_ROOT / "docs" / "screenshots"
SITE_SOURCES = ("mkdocs.yml", "docs", "docs_hooks", "course.toml", "tasks", "README.md")
HINT = re.compile(r'^\s*\?\?\? tip "Hint', re.MULTILINE)
POLL_SECONDS = 3  # docs/assets/progress.js reads progress.json this often


def _env(**extra: str) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("GRADE_PROGRESS_FILE", "GRADE_SITE_FILE")}
    return {**env, "NO_MKDOCS_2_WARNING": "1", **extra}


def build(site_dir: Path, progress: Path | None, config: Path = KIT_ROOT / "mkdocs.yml") -> subprocess.CompletedProcess:
    """`mkdocs build --strict`, the progress file redirected (GRADE_PROGRESS_FILE)."""
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(config), "-d", str(site_dir)],
        cwd=config.parent, env=_env(GRADE_PROGRESS_FILE=str(progress) if progress else ""),
        capture_output=True, text=True, timeout=120, check=False,
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(url: str, timeout: float = 2.0) -> tuple[int, bytes]:
    with urllib.request.urlopen(url, timeout=timeout) as response:
        return response.status, response.read()


def wait_for(check, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while True:
        try:
            result = check()
        except OSError:
            result = None
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up after {seconds} s waiting for {what}")
        time.sleep(0.2)


def page_url(task: manifest.Task) -> str:
    return task.doc.removesuffix(".md") + "/"


@pytest.fixture(scope="module")
def course():
    return manifest.load()


@pytest.fixture(scope="module")
def graded(tmp_path_factory) -> dict:
    """A real grading of Task 01, its progress file written where GRADE_STATE puts it: the
    solutions' auth.py (01.1-01.6 pass) with the starter's users.py (01.7 and 01.8 do not)."""
    work = tmp_path_factory.mktemp("graded")
    impl = work / "impl"
    shutil.copytree(KIT_ROOT / "solutions", impl)
    shutil.copy(KIT_ROOT / "starter" / "backend" / "services" / "users.py", impl / "backend" / "services" / "users.py")
    state_file = work / ".grade-state.json"
    done = subprocess.run([sys.executable, "-m", "grader", "01", "--impl", str(impl)], cwd=KIT_ROOT,
                          env=_env(GRADE_STATE=str(state_file), GRADE_WORK=str(impl)), capture_output=True, text=True,
                          timeout=300,
                          check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    progress = work / ".grade" / "progress.json"  # grader.desk.state.progress_path(state_file)
    assert progress.is_file(), f"the grading wrote no progress file:\n{done.stdout}{done.stderr}"
    return {"path": progress, "data": json.loads(progress.read_text(encoding="utf-8"))}


@pytest.fixture(scope="module")
def site(tmp_path_factory, graded) -> Path:
    site_dir = tmp_path_factory.mktemp("site") / "site"
    done = build(site_dir, graded["path"])
    assert done.returncode == 0, f"mkdocs build --strict failed:\n{done.stdout}{done.stderr}"
    return site_dir


# --- the build --------------------------------------------------------------------------

def test_the_site_builds_strictly_with_every_page_and_anchor(site, course, graded):
    assert (site / "index.html").is_file() and (site / "grading" / "index.html").is_file()
    assert (site / "progress" / "index.html").is_file()
    for page in ("instructors", "maintainers"):  # README.md's section for everyone else links them
        assert (site / page / "index.html").is_file(), f"the site has no page docs/{page}.md"
    assert json.loads((site / "progress.json").read_text(encoding="utf-8")) == graded["data"]
    home = (site / "index.html").read_text(encoding="utf-8")
    assert "<h1" in home and "Social Commerce Platform" in home  # README.md is the home page
    for task in course.tasks:
        html = (site / page_url(task) / "index.html").read_text(encoding="utf-8")
        ids = set(re.findall(r'\sid="([^"]+)"', html))
        missing = [e.anchor for e in task.exercises if e.anchor not in ids]
        assert not missing, f"{task.doc}: no element with the manifest's anchor {missing}"
        assert f'href="{page_url(task)}"' in home, f"the home page does not link {task.doc} as a page"
    for page in ("grading/", "progress/", "instructors/", "maintainers/"):  # README.md's docs/x.md links
        assert f'href="{page}"' in home, f"the home page does not link {page} as a page"


def test_without_a_progress_file_the_site_serves_an_empty_one(tmp_path):
    done = build(tmp_path / "site", tmp_path / "no-such-progress.json")
    assert done.returncode == 0, done.stdout + done.stderr
    assert json.loads((tmp_path / "site" / "progress.json").read_text(encoding="utf-8")) == {"schema": 1, "tasks": {}}


@pytest.fixture
def kit_copy(tmp_path) -> Path:
    """The files the site is built from, in a folder of their own, to build variants of."""
    root = tmp_path / "kit"
    root.mkdir()
    for name in SITE_SOURCES:
        source = KIT_ROOT / name
        (shutil.copytree if source.is_dir() else shutil.copy)(source, root / name)
    workflow = root / ".github" / "workflows" / "grade-fork.yml"  # a file of the kit that is no page
    workflow.parent.mkdir(parents=True)
    workflow.write_text("name: grade a fork\n")
    return root


def _append(path: Path, text: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


def test_github_markdown_reads_the_same_on_the_site(kit_copy, tmp_path):
    _append(kit_copy / "README.md", "\nCI runs [the fork workflow](.github/workflows/grade-fork.yml), see\n"
                                    "[`.github/workflows/grade-fork.yml`](.github/workflows/grade-fork.yml).\n"
                                    "The tasks:\n- [Task 01](tasks/01-user.md)\n\n"
                                    "![a picture](docs/screenshots/picture.png)\n")
    (kit_copy / "docs" / "screenshots").mkdir(exist_ok=True)
    (kit_copy / "docs" / "screenshots" / "picture.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    _append(kit_copy / "tasks" / "01-user.md", '\n??? tip "Hint 1 of 2"\n    Check the lock first:\n'
                                               "    - find the user\n    - then the lock\n\n"
                                               "Back to [the README](../README.md#how-you-work).\n")
    done = build(tmp_path / "site", None, kit_copy / "mkdocs.yml")
    assert done.returncode == 0, done.stdout + done.stderr
    home = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    # a file that is no page: its path as code
    assert "the fork workflow (<code>.github/workflows/grade-fork.yml</code>), see\n<code>.github" in home
    assert "grade-fork.yml\"" not in home
    assert re.search(r'<ul>\s*<li><a href="tasks/01-user/">Task 01</a></li>', home)  # a list right after a line
    assert '<img alt="a picture" src="screenshots/picture.png"' in home  # docs/ files where the site has them
    task = (tmp_path / "site" / "tasks" / "01-user" / "index.html").read_text(encoding="utf-8")
    hint = re.search(r"<details class=\"tip\"( open)?>\s*<summary>Hint 1 of 2</summary>(.*?)</details>", task, re.DOTALL)
    assert hint and not hint.group(1), "a hint is a folded <details> block"
    assert re.search(r"<ul>\s*<li>find the user</li>", hint.group(2))
    assert '<a href="../../#how-you-work">the README</a>' in task  # README.md is the home page


@pytest.mark.parametrize("link, named", [("tasks/99-nope.md", "99-nope.md"),
                                         ("tasks/01-user.md#no-such-section", "no-such-section")])
def test_a_broken_link_or_anchor_fails_the_strict_build(kit_copy, tmp_path, link, named):
    _append(kit_copy / "README.md", f"\nSee [this]({link}).\n")
    done = build(tmp_path / "site", None, kit_copy / "mkdocs.yml")
    assert done.returncode != 0 and named in done.stdout + done.stderr


# --- `make docs`: the dev server -------------------------------------------------------------

def test_the_dev_server_announces_itself_and_follows_the_progress_file(tmp_path):
    port = free_port()
    progress, site_file = tmp_path / ".grade" / "progress.json", tmp_path / ".grade" / "site.json"
    progress.parent.mkdir()
    progress.write_text(json.dumps({"schema": 1, "tasks": {}, "updated": "first"}))
    server = subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "serve", "--dev-addr", f"127.0.0.1:{port}"], cwd=KIT_ROOT,
        env=_env(GRADE_PROGRESS_FILE=str(progress), GRADE_SITE_FILE=str(site_file)),
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        wait_for(site_file.is_file, 60, "the dev server to write its site file")
        url = json.loads(site_file.read_text())["url"]
        assert url == f"http://127.0.0.1:{port}/"
        wait_for(lambda: get(url)[0] == 200, 30, "the dev server to answer")
        assert json.loads(get(url + "progress.json")[1])["updated"] == "first"
        publish(progress, json.dumps({"schema": 1, "tasks": {}, "updated": "second"}))
        wait_for(lambda: json.loads(get(url + "progress.json")[1])["updated"] == "second", 30,
                 "the dev server to rebuild with the new progress file")
        server.send_signal(signal.SIGTERM)
        assert server.wait(timeout=90) is not None
        assert not site_file.exists(), "the site file outlived the server"
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()
        server.stderr.close()


# --- in a browser ----------------------------------------------------------------------

@pytest.fixture(scope="module")
def served(site):
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "http.server", "--bind", "127.0.0.1", str(port),
                               "--directory", str(site)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/"
    try:
        wait_for(lambda: get(url)[0] == 200, 15, "the static server")
        yield url
    finally:
        server.terminate()
        server.wait(timeout=60)


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.skip(f"Debian's chromium is not installed at {CHROMIUM} (apt-get install chromium): "
                    "the site's browser checks are skipped; its strict build is still checked")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (pip install -e '.[dev]')")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=BROWSER_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def page(browser):
    """A fresh page, 1280x900, that records console errors and uncaught exceptions."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    tab.set_default_timeout(10_000)
    tab.errors = []
    tab.on("console", lambda message: tab.errors.append(f"console: {message.text}") if message.type == "error" else None)
    tab.on("pageerror", lambda error: tab.errors.append(f"page error: {error}"))
    yield tab
    context.close()


def screenshot(tab, name: str) -> None:
    if os.environ.get("SITE_SCREENSHOTS") == "1":
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        tab.screenshot(path=str(SCREENSHOTS / name))


def test_every_page_loads_cleanly_with_its_anchors_hints_search_and_copy_buttons(page, served, course):
    for path in ("", "grading/", "progress/", "instructors/", "maintainers/"):
        page.goto(served + path)
        page.wait_for_load_state("load")
    for task in course.tasks:
        page.goto(served + page_url(task))
        page.wait_for_selector(".grade-badge")  # progress.js ran
        for exercise in task.exercises:
            assert page.locator(f'[id="{exercise.anchor}"]').count() == 1, f"{task.doc}: no #{exercise.anchor}"
        hints = page.eval_on_selector_all(
            "details", "all => all.filter(d => d.querySelector('summary')?.textContent.trim().startsWith('Hint'))"
                       ".map(d => d.open)")
        written = len(HINT.findall((KIT_ROOT / task.doc).read_text(encoding="utf-8")))
        assert len(hints) == written, f"{task.doc}: {written} hint blocks written, {len(hints)} on the page"
        assert not any(hints), f"{task.doc}: a hint block is open"
        if page.locator(".md-typeset pre > code").count():
            # content.code.copy (Material 9.7+: a button in the block's nav; earlier: .md-clipboard)
            page.wait_for_selector('button[data-md-type="copy"], .md-clipboard', state="attached")
    assert page.locator("input.md-search__input").count() == 1
    page.goto(served + page_url(course.find("01")))
    page.fill("input.md-search__input", "lockout")  # the search index answers in the page
    page.wait_for_selector(".md-search-result__item")
    assert not page.errors, "\n".join(page.errors)


def test_the_progress_page_shows_each_exercise_of_the_grading(page, served, graded):
    data = graded["data"]
    assert data["tasks"]["01"]["graded"] is True
    statuses = {e["status"] for e in data["tasks"]["01"]["exercises"].values()}
    assert "pass" in statuses and statuses - {"pass"}, f"the grading should pass some exercises, not all: {statuses}"
    page.goto(served + "progress/")
    page.wait_for_selector("#grade-progress table")
    for task in data["tasks"].values():
        for exercise_id, exercise in task["exercises"].items():
            row = page.locator(f'tr[data-exercise="{exercise_id}"]')
            cells = row.locator("td").all_inner_texts()
            assert cells[1] == exercise["status"], (exercise_id, cells)
            points = f"{exercise['score']:g} / {exercise['possible']:g}" if task["graded"] else f"– / {exercise['possible']:g}"
            assert cells[2] == points, (exercise_id, cells)
            href = row.locator("a").get_attribute("href")
            assert href == f"{served}{task['doc'].removesuffix('.md')}/#{exercise['anchor']}"
    assert page.locator("#grade-progress").inner_text().count(f"{data['tasks']['01']['total']:g} / 100") >= 1
    screenshot(page, "progress.png")
    page.locator('tr[data-exercise="01.4"] a').click()
    page.wait_for_url("**/tasks/01-user/#014-log-in")
    assert page.locator('[id="014-log-in"]').count() == 1
    assert not page.errors, "\n".join(page.errors)


def test_a_task_page_shows_badges_and_its_last_total(page, served, graded):
    task = graded["data"]["tasks"]["01"]
    page.goto(served + "tasks/01-user/")
    page.wait_for_selector(".grade-total")
    for exercise in task["exercises"].values():
        badge = page.locator(f'[id="{exercise["anchor"]}"] .grade-badge')
        assert badge.inner_text() == f"{exercise['status']} · {exercise['score']:g} / {exercise['possible']:g}"
        dot = page.locator(f'.md-sidebar--secondary a[href="#{exercise["anchor"]}"] .grade-dot')  # the toc
        assert dot.get_attribute("title") == badge.inner_text()
    assert page.locator(".grade-total").inner_text().startswith(f"{task['total']:g} / {task['possible']:g}")
    page.evaluate("id => window.scrollTo(0, document.getElementById(id).getBoundingClientRect().top"
                  " + window.scrollY - 90)", task["exercises"]["01.7"]["anchor"])
    page.wait_for_timeout(300)
    screenshot(page, "task-page.png")
    assert not page.errors, "\n".join(page.errors)


def publish(path: Path, text: str) -> None:
    """Replace a file whole, as grader.desk.state writes the progress file."""
    tmp = path.with_suffix(".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)


def _exercises(task: manifest.Task, statuses: dict) -> dict:
    """A task's exercises as the progress file gives them, with these statuses."""
    def score(exercise, status):
        return {"pass": exercise.points, "partial": exercise.points // 2}.get(status, 0)

    return {e.id: {"title": e.title, "anchor": e.anchor, "status": statuses[e.id], "score": score(e, statuses[e.id]),
                   "possible": e.points} for e in task.exercises}


def test_an_open_page_follows_a_new_grading_without_reloading(page, served, site, graded, course):
    """The file `grade` rewrites is read again every few seconds: every status shows."""
    original = (site / "progress.json").read_text(encoding="utf-8")
    task = course.find("01")
    shown = ["pass", "partial", "fail", "error", "needs local stack"]
    statuses = {e.id: shown[i % len(shown)] for i, e in enumerate(task.exercises)}
    later = json.loads(original)
    later["tasks"]["01"].update(total=42.0, stack="local", exercises=_exercises(task, statuses))
    try:
        page.goto(served + "progress/")
        page.wait_for_selector("#grade-progress table")
        page.evaluate("window.__same_document = true")
        publish(site / "progress.json", json.dumps(later))
        page.wait_for_function("() => document.querySelector('tr[data-exercise=\"01.2\"]')?.dataset.status === 'partial'",
                               timeout=(POLL_SECONDS + 5) * 1000)
        assert page.evaluate("window.__same_document") is True  # updated in place, not reloaded
        for exercise_id, status in statuses.items():
            assert page.locator(f'tr[data-exercise="{exercise_id}"] .grade-badge').inner_text() == status
        page.goto(served + "tasks/01-user/")
        page.wait_for_selector(".grade-total")
        assert page.locator(".grade-total").inner_text().startswith("42 / 100")
        badge = page.locator(f'[id="{task.exercises[4].anchor}"] .grade-badge')
        assert badge.inner_text() == f"needs local stack · 0 / {task.exercises[4].points}"
        publish(site / "progress.json", original)
        page.wait_for_function("() => !document.querySelector('.grade-total').textContent.startsWith('42 ')",
                               timeout=(POLL_SECONDS + 5) * 1000)
        assert not page.errors, "\n".join(page.errors)
    finally:
        (site / "progress.json").write_text(original, encoding="utf-8")
