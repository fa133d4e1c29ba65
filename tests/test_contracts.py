"""The contracts every task copies: the kit's token guard and actor, the event catalogue,
weighted scoring, grading one exercise, and the degenerate versions selftest grades."""

import ast
import asyncio
import sys
import jwt
import pytest

from grader import KIT_ROOT
from grader.checks import breakers, degenerate, scoring, selftest
from grader.grading import manifest, runner, tree
from grader.grading.results import FAILED, PASSED, ExerciseResult, TaskResult, TestResult
from grader.testkit import tokens
from grader.testkit.recorders import KitError, RecordingPublisher
from shared.events import ID, EventType, envelope_problems, make_envelope
from shared.identity import Actor, ActorKind

SECRET = "contracts-" + "x" * 32


class _Settings:
    jwt_secret = SECRET
    jwt_algorithm = "HS256"
    access_token_minutes = 15


# -- the kit's token guard (starter/backend/identity.py) ----------------------------------

@pytest.fixture
async def users():
    sys.path.insert(0, str(KIT_ROOT / "starter"))
    from beanie import init_beanie
    from mongomock_motor import AsyncMongoMockClient

    from shared.models import ALL_DOCUMENTS

    await init_beanie(database=AsyncMongoMockClient(tz_aware=True)["contracts"], document_models=ALL_DOCUMENTS)
    yield
    sys.path.remove(str(KIT_ROOT / "starter"))


async def _user(role="consumer", status="active", deleted=False):
    from shared.models.user import ContactInfo, User, UserProfile
    from shared.timeutil import utc_now

    user = User(password_hash="x", contact_info=ContactInfo(primary_email=f"{role}-{status}@example.com"),
                profile=UserProfile(display_name="T"), role=role, status=status,
                deleted_at=utc_now() if deleted else None)
    await user.insert()
    return user


async def _actor(token):
    from backend.identity import actor_from_token

    return await actor_from_token(token, SECRET, "HS256")


async def test_the_guard_turns_a_valid_token_into_the_accounts_actor(users):
    user = await _user(role="leader")
    # the role comes from the account, not from the token
    actor = await _actor(tokens.access_token(user.id, "consumer", _Settings))
    assert actor == Actor(id=str(user.id), kind=ActorKind.USER, role="leader")


@pytest.mark.parametrize("change", [
    dict(minutes=-1), dict(secret="another-" + "y" * 32), dict(type="refresh"), dict(sub=None),
    dict(sub="not-an-id"), dict(iat=None), dict(algorithm="HS384"),
])
async def test_the_guard_refuses_tokens_outside_the_contract(users, change):
    from shared.errors import AuthenticationError

    user = await _user()
    await _actor(tokens.access_token(user.id, "consumer", _Settings))  # the control: accepted
    with pytest.raises(AuthenticationError):
        await _actor(tokens.access_token(user.id, "consumer", _Settings, **change))


@pytest.mark.parametrize("state", [dict(deleted=True), dict(status="suspended"), dict(status="pending")])
async def test_the_guard_refuses_accounts_that_may_not_act(users, state):
    from shared.errors import AuthenticationError

    user = await _user(**state)
    with pytest.raises(AuthenticationError):
        await _actor(tokens.access_token(user.id, "consumer", _Settings))


async def test_a_token_without_a_role_is_refused(users):
    from shared.errors import AuthenticationError

    user = await _user()
    with pytest.raises(AuthenticationError):
        await _actor(tokens.access_token(user.id, None, _Settings))


async def test_a_supplier_token_is_refused_until_suppliers_exist(users):
    from shared.errors import AuthenticationError

    with pytest.raises(AuthenticationError):
        await _actor(tokens.access_token("6650c1f2a3b4c5d6e7f80912", "supplier", _Settings))


def test_an_actor_is_a_user_or_an_admin_only_as_a_user():
    assert Actor("a", ActorKind.USER, "admin").is_admin
    assert not Actor("a", ActorKind.SUPPLIER, "admin").is_admin
    assert Actor("a", ActorKind.USER, "consumer").is_user("a")
    assert not Actor("a", ActorKind.SUPPLIER, "supplier").is_user("a")


def test_testkit_tokens_follow_the_contract():
    token = tokens.access_token("6650c1f2a3b4c5d6e7f80912", "leader", _Settings)
    claims = jwt.decode(token, SECRET, algorithms=["HS256"])
    assert set(claims) == {"sub", "role", "type", "iat", "exp"} and claims["type"] == "access"
    assert claims["exp"] - claims["iat"] == 15 * 60


# -- the event catalogue ----------------------------------------------------------------

def test_the_catalogue_covers_every_domain_of_the_course():
    from shared.events import TOPICS

    assert set(TOPICS) == {"user", "supplier", "community", "product", "post", "promotion", "order"}
    assert EventType.USER_DELETED.carries == ID


@pytest.mark.parametrize("envelope, problem", [
    (make_envelope(EventType.USER_DELETED, "u1", {"id": "u1", "email": "a@b"}), "only {'id'"),
    (make_envelope(EventType.USER_UPDATED, "u1", {"id": "u2"}), "equal to the entity_id"),
    (make_envelope(EventType.USER_UPDATED, "u1", {"id": "u1", "security": {"failed": 1}}), "secrets"),
    (make_envelope(EventType.ORDER_CANCELLED, "o1", {"id": "o1"}), "exactly the keys"),
    ({"event_type": "user.renamed", "data": {}}, "not in the catalogue"),
    ("user.created", "dict envelope"),
])
def test_an_envelope_that_breaks_the_catalogue_is_named(envelope, problem):
    assert problem in " ".join(envelope_problems(envelope))


def test_good_envelopes_pass_the_catalogue():
    assert envelope_problems(make_envelope(EventType.USER_DELETED, "u1", {"id": "u1"})) == []
    assert envelope_problems(make_envelope(EventType.USER_UPDATED, "u1", {"id": "u1", "profile": {}})) == []


async def test_reading_events_checks_them_against_the_catalogue():
    events = RecordingPublisher()
    await events.emit(EventType.USER_DELETED, "u1", {"id": "u1"})
    assert len(events.of_type("user.deleted")) == 1
    with pytest.raises(KitError, match="not in the catalogue"):
        events.of_type("user.renamed")
    await events.emit(EventType.USER_DELETED, "u2", {"id": "u2", "password_hash": "x"})
    with pytest.raises(AssertionError, match="breaks the event catalogue"):
        events.of_type("user.deleted")


# -- weighted scores and the scoring rules ------------------------------------------------

def _exercise(possible, *tests):
    return ExerciseResult("01.4", "Log in", possible, "tasks/01-user.md#x", list(tests))


def test_an_exercise_score_follows_the_weights_of_its_tests():
    exercise = _exercise(20, TestResult("a", PASSED, weight=15), TestResult("b", FAILED, weight=5))
    assert exercise.score == 15
    assert _exercise(20, TestResult("a", FAILED, weight=15), TestResult("b", PASSED, weight=5)).score == 5


def test_the_scoring_rules_name_weights_that_do_not_add_up_and_cheap_musts():
    exercise = _exercise(20, TestResult("t::normal", PASSED, weight=18), TestResult("t::must", PASSED, must="r"))
    result = TaskResult("01", "Users", "solutions", "embedded", [exercise, _exercise(80, TestResult("x", PASSED, weight=80))])
    problems = " ".join(scoring.weight_problems(result))
    assert "add up to 19" in problems and "t::must" in problems and "less than 5%" in problems
    exercise.tests[0].weight, exercise.tests[1].weight = 10, 10
    assert scoring.weight_problems(result) == []


def test_each_must_rule_is_named_in_its_doc_section():
    exercise = _exercise(20, TestResult("t", PASSED, weight=20, must="no account enumeration at login"))
    result = TaskResult("01", "Users", "solutions", "embedded", [exercise])
    task = manifest.load().find("01")
    named = "## 01.4 Log in\n**Weighs most:** no account\nenumeration at login.\n## 01.5 Next\n"
    assert scoring.doc_problems(task, result, named) == []
    elsewhere = "## 01.4 Log in\nnothing\n## 01.5 Next\nno account enumeration at login\n"
    assert "does not name its must rule" in " ".join(scoring.doc_problems(task, result, elsewhere))


# -- one exercise, and degenerate versions -------------------------------------------------

def test_grading_one_exercise_runs_only_its_tests():
    course = manifest.load()
    task = course.find("01")
    options = runner.RunOptions(exercises=("01.7",), include_hidden=False)
    result = runner.grade(task, tree.resolve_impl("solutions", course), course, options)
    assert [e.id for e in result.exercises] == ["01.7"]
    assert result.exercises[0].tests and all("test_01_7" in t.name for t in result.exercises[0].tests)
    assert result.total == result.possible == task.exercise("01.7").points


def test_degenerate_versions_replace_one_method_body_each():
    course = manifest.load()
    task = course.find("01")
    versions = degenerate.versions(task, course)
    methods = {v.method for v in versions}
    assert {"AuthService.login", "UserService.delete_user"} <= methods
    assert len(versions) == 3 * len(methods)
    login = [v for v in versions if v.method == "AuthService.login"]
    assert {v.body for v in login} == {degenerate.STUB, "raise AuthenticationError", "return None"}
    assert {v.exercise for v in login} == {"01.4"}
    for version in login:
        module = ast.parse(version.source)
        cls = next(n for n in module.body if isinstance(n, ast.ClassDef) and n.name == "AuthService")
        method = next(n for n in cls.body if getattr(n, "name", "") == "login")
        assert len(method.body) == 1 and isinstance(method.body[0], (ast.Raise, ast.Return))
        register = next(n for n in cls.body if getattr(n, "name", "") == "register")
        assert len(register.body) > 1  # the other methods keep the solution's code


def test_plain_pytest_runs_a_tasks_tests_against_the_solutions_or_the_starter():
    import os
    import subprocess

    test_file = "grader/public/task01/test_01_7_read_users.py"
    command = [sys.executable, "-m", "pytest", test_file, "-q", "-p", "no:cacheprovider", "-W", "ignore"]
    env = {k: v for k, v in os.environ.items() if not k.startswith("GRADER_")}
    solved = subprocess.run(command, cwd=KIT_ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert solved.returncode == 0 and " passed" in solved.stdout, solved.stdout[-2000:]
    stubs = subprocess.run(command, cwd=KIT_ROOT, env={**env, "GRADER_IMPL": "starter"},
                           capture_output=True, text=True, timeout=120)
    assert stubs.returncode == 1 and " failed" in stubs.stdout, stubs.stdout[-2000:]


# -- must breakers (scoring rule 6) -------------------------------------------------------

EXPIRY = """
[[breaker]]
task = "01"
rule = "only valid, unexpired access tokens of active users are accepted"
what = "WHAT"
exercise = "01.5"
file = "backend/services/auth.py"
find = '''FIND'''
replace = '''REPLACE'''
"""
EXPIRY_RULES = {"01.5": {"only valid, unexpired access tokens of active users are accepted"}}


def _breakers_file(tmp_path, monkeypatch, find, replace, what="a break"):
    path = tmp_path / "must_breakers.toml"
    path.write_text(EXPIRY.replace("WHAT", what).replace("FIND", find).replace("REPLACE", replace))
    monkeypatch.setattr(breakers, "FILE", path)
    return path


def _solution_line(needle):
    text = (KIT_ROOT / "solutions/backend/services/auth.py").read_text()
    return next(line for line in text.splitlines() if needle in line)


def test_a_breaker_must_fit_the_solution_exactly_once(tmp_path, monkeypatch):
    course = manifest.load()
    _breakers_file(tmp_path, monkeypatch, "no such text in the solution", "x")
    [breaker] = breakers.load()
    with pytest.raises(breakers.BreakerError, match="occurs 0 times"):
        breakers.broken_source(breaker, course)
    (tmp_path / "must_breakers.toml").write_text("[[breaker]]\ntask = \"01\"\n")
    with pytest.raises(breakers.BreakerError, match="has no rule, what, exercise, file, find, replace"):
        breakers.load()


def test_selftest_fails_a_must_rule_without_breaker_and_a_break_the_tests_miss(tmp_path, monkeypatch):
    course = manifest.load()
    task = course.find("01")
    # A "break" that changes nothing the tests can see: it costs no points, so it is named.
    line = _solution_line("import ")
    _breakers_file(tmp_path, monkeypatch, line, line + "  # harmless", what="only a comment")
    check = selftest.check_breakers(task, course, EXPIRY_RULES)
    assert [p for p in check.problems if "only a comment: costs only 0 points" in p], check.problems
    uncovered = selftest.check_breakers(task, course, {**EXPIRY_RULES, "01.4": {"no account enumeration at login"}})
    assert any("'no account enumeration at login' has no breaker" in p for p in uncovered.problems)


def test_selftest_accepts_a_breaker_the_tests_catch(tmp_path, monkeypatch):
    course = manifest.load()
    task = course.find("01")
    line = _solution_line("options={\"require\"")  # where the token's claims are checked
    _breakers_file(tmp_path, monkeypatch, line, line.replace('options={', 'options={"verify_exp": False, '),
                   what="expired tokens are accepted")
    check = selftest.check_breakers(task, course, EXPIRY_RULES)
    assert check.problems == []


# -- the embedded database interleaves concurrent requests --------------------------------

async def test_embedded_database_calls_give_way_so_races_show_as_on_a_server():
    from grader.testkit import stack

    async with stack.mongo_database() as db:
        await db["counters"].insert_one({"_id": 1, "n": 0})

        async def read_then_write():
            document = await db["counters"].find_one({"_id": 1})
            await db["counters"].update_one({"_id": 1}, {"$set": {"n": document["n"] + 1}})

        await asyncio.gather(read_then_write(), read_then_write())
        assert (await db["counters"].find_one({"_id": 1}))["n"] == 1  # one update lost, as on a server
        await asyncio.gather(*(db["counters"].update_one({"_id": 1}, {"$inc": {"n": 1}}) for _ in range(2)))
        assert (await db["counters"].find_one({"_id": 1}))["n"] == 3  # one atomic update each: none lost
