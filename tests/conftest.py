"""The shared cast and course for every test.

- `course`: the tiny fixture course in tests/fixtures/content, loaded by the real loader.
- `parent` / `educator`: learners with each role; `outsider`: another learner.
- `parent_client`: a test client logged in as `parent`.
- `org_a` with its `owner` and a `member`; `org_b` with its admin `admin_b`; `client_for(user)`.
"""

import shutil
from pathlib import Path

import pytest
from django.test import Client

from accounts.models import User
from courses.content import course_load

FIXTURE_CONTENT = Path(__file__).parent / "fixtures" / "content"
SHIPPED_CONTENT = Path(__file__).resolve().parent.parent / "content"


@pytest.fixture(scope="session", autouse=True)
def _compiled_catalogs():
    """The Spanish catalog compiled from locale/ (as the README's set-up does), once per run."""
    from courses.management.commands.compile_catalogs import catalogs_compile

    catalogs_compile()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Argon2 is the production hasher; tests only need a fast one.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _default_language():
    # A request in Spanish leaves Spanish active on the thread (LocaleMiddleware activates a
    # language per request and never resets it); code run outside a request in the next test on
    # that worker must start from the site's default, as it does in production.
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    # Rate limits live in the cache: one test's failed log-ins must not lock out the next test.
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _fresh_dashboard_cache():
    # Rolled-back test transactions can reuse ids; never let one test see another's rows.
    from compliance.reports import _COUNTS_CACHE, _LATEST, _PLANS, _ROWS_CACHE

    _ROWS_CACHE.clear()
    _PLANS.clear()
    _COUNTS_CACHE.clear()
    _LATEST.clear()


@pytest.fixture(autouse=True)
def _fresh_fragments():
    # Rendered fragments are per process and keyed by content versions that a rolled-back test
    # can repeat (same ids, a frozen clock): each test starts with none.
    from compliance.templatetags import dashboard_cells
    from courses.templatetags.fragments import clear

    clear()
    dashboard_cells.clear()


@pytest.fixture(autouse=True)
def _fresh_page_quizzes():
    # The quiz pages' quizzes (and the lesson pages' modules) are per process and keyed by content versions that a rolled-back
    # test can repeat (the same fixture content, a frozen clock): each test starts with none.
    from courses.services import modules_kept_clear
    from quizzes.services import page_quizzes_clear

    page_quizzes_clear()
    modules_kept_clear()


@pytest.fixture
def course(db):
    course_load(root=FIXTURE_CONTENT)


def build_course(root: Path, modules: int) -> Path:
    """A copy of the fixture course with `modules` modules, all in the parent track."""
    shutil.copytree(FIXTURE_CONTENT, root)
    template = root / "modules" / "01-first-steps"
    slugs = ["first-steps", "second-steps"]
    for i in range(3, modules + 1):
        folder = root / "modules" / f"{i:02d}-extra-{i}"
        shutil.copytree(template, folder)
        text = (folder / "module.yaml").read_text().replace("slug: first-steps", f"slug: extra-{i}")
        (folder / "module.yaml").write_text(text)
        slugs.append(f"extra-{i}")
    for i in range(modules + 1, 3):
        shutil.rmtree(root / "modules" / f"{i:02d}-{slugs[i - 1]}")
        slugs.remove(slugs[i - 1])
    (root / "course.yaml").write_text(
        "tracks:\n  - slug: parent\n    title: For parents\n    summary: S.\n    audience: parent\n"
        f"    modules: [{', '.join(slugs)}]\n"
    )
    return root


def make_user(email: str, role: str = "parent", name: str = "Test Learner") -> User:
    return User.objects.create_user(email=email, password="a-long-test-password", name=name, role=role)


@pytest.fixture
def parent(db) -> User:
    return make_user("parent@example.org", "parent", "Pat Parent")


@pytest.fixture
def educator(db) -> User:
    return make_user("teacher@example.org", "educator", "Terry Teacher")


@pytest.fixture
def outsider(db) -> User:
    return make_user("outsider@example.org", "other", "Olly Outsider")


@pytest.fixture
def parent_client(parent) -> Client:
    client = Client()
    client.force_login(parent)
    return client


# --- Organisations: an owner and a member of organisation A, an admin of organisation B -------


@pytest.fixture
def org_a(db):
    from accounts.services import organisation_create

    owner = make_user("owner@school-a.org", "educator", "Olive Owner")
    return organisation_create(user=owner, name="School A", kind="school")


@pytest.fixture
def owner(org_a) -> User:
    return org_a.memberships.get(role="owner").user


@pytest.fixture
def member(org_a) -> User:
    from accounts.services import membership_add

    user = make_user("member@school-a.org", "educator", "Mo Member")
    membership_add(organisation=org_a, user=user)
    return user


@pytest.fixture
def org_b(db):
    from accounts.services import organisation_create

    admin = make_user("admin@school-b.org", "educator", "Ada Admin-B")
    return organisation_create(user=admin, name="School B", kind="school")


@pytest.fixture
def admin_b(org_b) -> User:
    return org_b.memberships.get().user


def client_for(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def assert_query_count(db):
    """`with assert_query_count(n):` fails unless the block runs exactly `n` queries, and then
    prints every SQL statement it ran, numbered (pytest-django's own fixture shows them only with
    -v, and CI runs without it)."""
    from contextlib import contextmanager

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    @contextmanager
    def check(expected: int):
        with CaptureQueriesContext(connection) as context:
            yield context
        ran = context.captured_queries
        if len(ran) != expected:
            listing = "\n".join(f"{i}. {q['sql']}" for i, q in enumerate(ran, 1))
            pytest.fail(f"Expected {expected} queries, ran {len(ran)}:\n{listing}", pytrace=False)

    return check
