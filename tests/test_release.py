"""``grade release``: the learner copy of the kit holds no solution and no hidden test (by
path and by content), and grading from it says that the hidden tests were not run. It is
built from a commit: an uncommitted edit never goes in (it is named as a warning), a
committed starter file that is not the stub is refused, and a kit that is not a git checkout
is copied as it is, which the command says."""

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from grader import KIT_ROOT
from grader.grading import manifest, provenance
from grader.instructor import release


@pytest.fixture(scope="module")
def learner_copy(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("release") / "kit"
    done = subprocess.run([sys.executable, "-m", "grader", "release", str(out), "--commit", "HEAD"],
                          capture_output=True, text=True, cwd=KIT_ROOT)
    assert done.returncode == 0, done.stderr
    head = subprocess.run(["git", "rev-parse", "HEAD"], capture_output=True, text=True, cwd=KIT_ROOT).stdout.strip()
    assert f"from commit {head[:12]} (HEAD)" in " ".join(done.stdout.split()), done.stdout
    return out


def _grade(kit: Path, *args: str) -> subprocess.CompletedProcess:
    """``grade`` as the learner release runs it: its own grader package, not this checkout's."""
    env = {**os.environ, "PYTHONPATH": str(kit)}
    return subprocess.run([sys.executable, "-m", "grader", *args], capture_output=True, text=True, cwd=kit, env=env)


def test_the_release_has_no_solution_and_no_hidden_test(learner_copy):
    course = manifest.load()
    assert not (learner_copy / course.solutions).exists()
    for task in course.tasks:
        assert not (learner_copy / task.hidden_tests).exists(), task.hidden_tests
        assert (learner_copy / task.public_tests).is_dir(), task.public_tests  # the public ones are there
    assert not (learner_copy / "grader" / "hidden").exists()
    # the reviewed mutants and must breakers quote the solutions' code
    assert not (learner_copy / "grader" / "checks" / "equivalent_mutants.toml").exists()
    assert not (learner_copy / "grader" / "checks" / "must_breakers.toml").exists()
    assert release.leaks(learner_copy, course) == []
    # By name too: no hidden test function appears anywhere in the release.
    hidden_names = {m for t in course.tasks if (KIT_ROOT / t.hidden_tests).is_dir()
                    for f in (KIT_ROOT / t.hidden_tests).rglob("*.py")
                    for m in re.findall(r"def (test_\w+)", f.read_text())}
    assert hidden_names
    public_names = {m for t in course.tasks for f in (KIT_ROOT / t.public_tests).rglob("*.py")
                    for m in re.findall(r"def (test_\w+)", f.read_text())}
    text = "\n".join(p.read_text(errors="replace") for p in learner_copy.rglob("*") if p.is_file())
    leaked = sorted(n for n in hidden_names - public_names if re.search(rf"\b{n}\b", text))
    assert leaked == []
    assert (learner_copy / "starter" / "backend" / "services" / "auth.py").is_file()
    assert (learner_copy / provenance.MARKER).is_file()


def test_the_leak_check_finds_a_solution_pasted_elsewhere(learner_copy, tmp_path):
    course = manifest.load()
    solution = (KIT_ROOT / "solutions" / "backend" / "services" / "users.py").read_text()
    planted = learner_copy / "tasks" / "notes.md"
    planted.write_text("Some notes\n" + solution)
    try:
        assert any("contains solutions/backend/services/users.py" in p for p in release.leaks(learner_copy, course))
    finally:
        planted.unlink()
    hidden = next((KIT_ROOT / "grader" / "hidden" / "task01").glob("*.py"))
    copy = learner_copy / "grader" / "public" / "task01" / "test_renamed.py"
    copy.write_bytes(hidden.read_bytes())
    try:
        assert any("is a copy of grader/hidden/task01" in p for p in release.leaks(learner_copy, course))
    finally:
        copy.unlink()


def test_grading_from_the_release_says_hidden_tests_were_not_run(learner_copy, tmp_path):
    out = tmp_path / "results.json"
    done = _grade(learner_copy, "01", "--impl", str(KIT_ROOT / "solutions"), "--json", str(out))
    assert done.returncode == 0, done.stderr
    assert "Hidden tests were not run" in done.stdout
    results = json.loads(out.read_text())
    assert results["hidden_tests_run"] is False and results["total"] == 100
    assert not any(t["hidden"] for e in results["exercises"] for t in e["tests"])
    # The full kit runs them and says nothing of the kind.
    full = subprocess.run([sys.executable, "-m", "grader", "01", "--impl", "solutions", "--json", str(out)],
                          capture_output=True, text=True, cwd=KIT_ROOT)
    assert "Hidden tests were not run" not in full.stdout
    assert json.loads(out.read_text())["hidden_tests_run"] is True


def test_the_release_refuses_what_needs_the_solutions(learner_copy):
    for args, says in ((["01", "--impl", "solutions"], "no solutions/ folder"),
                       (["selftest"], "learner release"), (["mutants", "01"], "learner release")):
        done = _grade(learner_copy, *args)
        assert done.returncode == 2 and says in done.stderr, (args, done.stderr)


def test_release_refuses_a_folder_in_use(tmp_path):
    (tmp_path / "x").write_text("")
    course = manifest.load()
    with pytest.raises(release.ReleaseError, match="not an empty folder"):
        release.write(tmp_path, course)
    with pytest.raises(release.ReleaseError, match="inside the kit"):
        release.write(KIT_ROOT / "release-here", course)
    assert (tmp_path / "x").is_file() and not (KIT_ROOT / "release-here").exists()


def test_the_docs_site_builds_strictly_from_the_release(learner_copy, tmp_path):
    """Learners read the docs as a website: nothing the release leaves out may break a link."""
    env = {**os.environ, "PYTHONPATH": str(learner_copy), "NO_MKDOCS_2_WARNING": "1"}
    done = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(tmp_path / "site")],
                          cwd=learner_copy, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert (tmp_path / "site" / "tasks" / "01-user" / "index.html").is_file()


# -- built from a commit -------------------------------------------------------------------------

AUTH = "backend/services/auth.py"
GIT = ["git", "-c", "user.name=Kit test", "-c", "user.email=kit@test.invalid", "-c", "commit.gpgsign=false"]


def _git(repo: Path, *args: str) -> str:
    done = subprocess.run([*GIT, *args], cwd=repo, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def _kit_files(target: Path) -> Path:
    """The kit's tracked files, as this checkout has them, in ``target`` (no git in it)."""
    listed = subprocess.run(["git", "ls-files", "-z"], cwd=KIT_ROOT, capture_output=True, timeout=60, check=True)
    for rel in listed.stdout.decode().split("\0"):
        source = KIT_ROOT / rel
        if rel and source.is_file() and not source.is_symlink():
            (target / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / rel)
    return target


@pytest.fixture
def kit_repo(tmp_path) -> Path:
    """A git repository of its own holding the kit, one commit."""
    repo = _kit_files(tmp_path / "kit")
    _git(repo, "init", "-q")
    _git(repo, "add", ".")
    _git(repo, "commit", "-q", "-m", "the kit")
    return repo


def _half_solved(repo: Path) -> str:
    """starter/backend/services/auth.py with hash_password solved (an instructor's draft)."""
    stub = (repo / "starter" / AUTH).read_text()
    raise_line = '        raise NotImplementedError("AuthService.hash_password")'
    assert raise_line in stub
    return stub.replace(raise_line, "        import bcrypt\n\n        return bcrypt.hashpw(password.encode(), "
                                    "bcrypt.gensalt(self.settings.bcrypt_rounds)).decode()")


def test_an_uncommitted_edit_does_not_reach_the_release(kit_repo, tmp_path):
    course = manifest.load(kit_repo / "course.toml")
    committed = (kit_repo / "starter" / AUTH).read_bytes()
    (kit_repo / "starter" / AUTH).write_text(_half_solved(kit_repo))  # not committed
    (kit_repo / "tasks" / "notes-for-next-year.md").write_text("not committed either\n")
    written = release.write(tmp_path / "out", course, kit_repo)
    out = tmp_path / "out"
    assert (out / "starter" / AUTH).read_bytes() == committed  # the commit's stub, not the draft
    assert not (out / "tasks" / "notes-for-next-year.md").exists()
    head = _git(kit_repo, "rev-parse", "HEAD")
    assert written.source == f"commit {head[:12]} (HEAD)"
    assert f'kit_commit = "{head}"' in (out / provenance.MARKER).read_text()
    assert len(written.warnings) == 2, written.warnings
    assert "uncommitted changes" in written.warnings[0] and f"starter/{AUTH}" in written.warnings[0]
    assert "not committed" in written.warnings[1] and "tasks/notes-for-next-year.md" in written.warnings[1]
    assert release.leaks(out, course, kit_repo) == []


def test_a_committed_solved_starter_file_is_refused_naming_it(kit_repo, tmp_path):
    course = manifest.load(kit_repo / "course.toml")
    (kit_repo / "starter" / AUTH).write_text(_half_solved(kit_repo))
    _git(kit_repo, "commit", "-q", "-am", "hash_password, for the demo")
    with pytest.raises(release.ReleaseError) as refused:
        release.write(tmp_path / "out", course, kit_repo)
    message = str(refused.value)
    assert "\n" not in message
    assert f"starter/{AUTH} is not the stub: AuthService.hash_password has a body" in message
    assert not (tmp_path / "out").exists()  # nothing half-written is left
    # An earlier commit, with the stub, is a release; the whole solution is refused as well.
    written = release.write(tmp_path / "earlier", course, kit_repo, commit="HEAD~1")
    assert written.source.endswith("(HEAD~1)") and (tmp_path / "earlier" / "starter" / AUTH).is_file()
    assert "changes since HEAD~1" in written.warnings[0] and f"starter/{AUTH}" in written.warnings[0]
    shutil.copy(kit_repo / "solutions" / AUTH, kit_repo / "starter" / AUTH)
    _git(kit_repo, "commit", "-q", "-am", "the solution in the starter")
    with pytest.raises(release.ReleaseError, match=f"starter/{re.escape(AUTH)} is not the stub"):
        release.write(tmp_path / "out", course, kit_repo)


def test_the_cli_builds_from_the_commit_it_is_given(kit_repo, tmp_path):
    first = _git(kit_repo, "rev-parse", "HEAD")
    (kit_repo / "tasks" / "extra.md").write_text("added in a later commit\n")
    _git(kit_repo, "add", "tasks/extra.md")
    _git(kit_repo, "commit", "-q", "-m", "a later commit")
    done = _grade(kit_repo, "release", str(tmp_path / "out"), "--commit", first[:10])
    assert done.returncode == 0, done.stderr
    assert f"from commit {first[:12]} ({first[:10]})" in " ".join(done.stdout.split())
    assert "warning" not in done.stdout
    assert not (tmp_path / "out" / "tasks" / "extra.md").exists()
    bad = _grade(kit_repo, "release", str(tmp_path / "bad"), "--commit", "no-such-rev")
    assert bad.returncode == 2 and "no such commit" in bad.stderr and not (tmp_path / "bad").exists()


def test_a_kit_that_is_not_a_git_checkout_is_copied_as_it_is_and_says_so(tmp_path):
    kit = _kit_files(tmp_path / "kit")
    assert subprocess.run(["git", "rev-parse"], cwd=kit, capture_output=True).returncode != 0
    course = manifest.load(kit / "course.toml")
    (kit / "tasks" / "notes.md").write_text("a file of the folder\n")
    written = release.write(tmp_path / "out", course, kit)
    assert "not a git checkout" in written.source and (tmp_path / "out" / "tasks" / "notes.md").is_file()
    assert not (tmp_path / "out" / "solutions").exists()
    with pytest.raises(release.ReleaseError, match="not a git checkout"):
        release.write(tmp_path / "again", course, kit, commit="HEAD")
    (kit / "starter" / AUTH).write_text(_half_solved(kit))  # the stub check holds here too
    with pytest.raises(release.ReleaseError, match=f"starter/{re.escape(AUTH)} is not the stub"):
        release.write(tmp_path / "again", course, kit)
