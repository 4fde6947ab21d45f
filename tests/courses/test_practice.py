"""Playing a practice conversation: guests keep their path in the session, signed-in learners in
their practice row; each choice is a plain form post checked against that path; reaching an
ending records "practised"; the debrief sets the path beside the recommended one."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from courses.content import course_load
from courses.conversations import walk
from courses.models import Conversation, ConversationPractice
from courses.practice import SESSION_KEY, practice_choose, practice_rewind
from courses.services import progress_export
from tests.conftest import SHIPPED_CONTENT, build_course

pytestmark = pytest.mark.usefixtures("course")

INTRO = reverse("courses:practice", args=["first-talk"])
PLAY = reverse("courses:practice_play", args=["first-talk"])
RESTART = reverse("courses:practice_restart", args=["first-talk"])
RECOMMENDED = [("hello", "b"), ("tells", "c"), ("secret", "a"), ("evidence", "d")]


def turn(client) -> dict:
    """The hidden fields of the choice form on the play page."""
    body = client.get(PLAY).content.decode()
    return {
        "step": re.search(r'name="step" value="(\d+)"', body).group(1),
        "node": re.search(r'name="node" value="([^"]+)"', body).group(1),
    }


def choose(client, key: str, url: str = PLAY):
    return client.post(url, {**turn(client), "choice": key})


def play(client, keys: str) -> None:
    for key in keys:
        assert choose(client, key).status_code == 302


class TestIntro:
    def test_shows_setting_and_content_note_with_the_choice_to_skip(self, client):
        body = client.get(INTRO).content.decode()
        assert "You are Jo&#x27;s parent." in body
        assert body.index("Content note") < body.index("Start the conversation")
        assert "a stranger asking a child for secrets" in body
        assert "Skip this practice" in body and 'href="/modules/first-steps/"' in body
        assert "Nothing is graded" in body
        assert "Where to get help" in body and 'id="quick-exit"' in body

    def test_offers_to_continue_a_path_in_progress(self, parent_client):
        play(parent_client, "b")
        body = parent_client.get(INTRO).content.decode()
        assert "Continue where you left off" in body and "Start again" in body

    def test_unknown_or_retired_conversation_is_404(self, client):
        assert client.get(reverse("courses:practice", args=["no-such-talk"])).status_code == 404
        Conversation.objects.update(is_active=False)
        assert client.get(INTRO).status_code == 404
        assert client.get(PLAY).status_code == 404

    def test_post_is_not_allowed(self, client):
        assert client.post(INTRO).status_code == 405


class TestGuest:
    def test_a_guest_plays_to_an_ending_with_the_path_in_the_session(self, client):
        first = client.get(PLAY).content.decode()
        assert "Can I tell you something?" in first and "What do you say?" in first
        assert "autofocus" not in first  # the first turn leaves focus at the top of the page
        response = choose(client, "b")
        assert response.status_code == 302 and response.url == PLAY + "#now"
        assert client.session[SESSION_KEY]["first-talk"][0] == "b"
        body = client.get(PLAY).content.decode()
        assert 'id="now" class="practice-now" tabindex="-1" autofocus' in body
        assert "Someone online asked me to keep a secret." in body
        play(client, "cad")
        debrief = client.get(PLAY).content.decode()
        assert "Jo feels safe, and you have a plan" in debrief
        assert "not recorded" in debrief and "?next=/practice/first-talk/play/" in debrief
        assert not ConversationPractice.objects.exists()

    def test_the_debrief_sets_the_path_beside_the_recommended_one_with_sources_and_help(self, client):
        play(client, "abb")  # a slow start, repaired; then a promise of secrecy
        body = client.get(PLAY).content.decode()
        assert "You promised to keep the secret" in body and "an ending to learn from" in body
        assert "Your path, next to the recommended one" in body
        assert "“Not now.”" in body and "Busy, but it closes the door." in body  # what it did
        assert "“Of course. I&#x27;m listening.”" in body  # what was recommended at that turn
        assert "The recommended path from the start" in body
        assert "Where it leads: Jo feels safe, and you have a plan." in body
        assert 'id="source-1"' in body and 'href="#source-1"' in body
        assert "Where to get help" in body and "1-800-843-5678" in body

    def test_the_recommended_path_is_not_repeated_when_it_was_taken(self, client):
        play(client, "bcad")
        body = client.get(PLAY).content.decode()
        assert body.count("You chose the recommended answer.") == 4
        assert "The recommended path from the start" not in body

    def test_a_guest_can_go_back_to_a_turn_and_start_again(self, client):
        play(client, "bcab")
        assert "A plan, a little slower" in client.get(PLAY).content.decode()
        assert client.post(RESTART, {"step": "3"}).status_code == 302
        assert client.session[SESSION_KEY]["first-talk"][0] == "bca"
        assert "He sent me messages." in client.get(PLAY).content.decode()
        client.post(RESTART, {"step": "0"})
        assert client.session[SESSION_KEY]["first-talk"][0] == ""

    def test_a_forged_session_path_starts_again(self, client):
        session = client.session
        session[SESSION_KEY] = {"first-talk": ["zzzz", "not-the-hash"]}
        session.save()
        assert "Can I tell you something?" in client.get(PLAY).content.decode()
        session[SESSION_KEY] = "garbage"
        session.save()
        assert client.get(PLAY).status_code == 200
        assert choose(client, "b").status_code == 302


class TestSignedIn:
    def test_the_path_is_kept_server_side_and_the_ending_records_practised(self, parent_client, parent):
        play(parent_client, "bc")
        practice = ConversationPractice.objects.get(user=parent)
        assert practice.path == "bc" and practice.completed_at is None
        assert SESSION_KEY not in parent_client.session
        other_device = Client()
        other_device.force_login(parent)
        assert "Do you have to tell anyone?" in other_device.get(PLAY).content.decode()
        play(parent_client, "ad")
        practice.refresh_from_db()
        assert practice.path == "bcad" and practice.completed_at is not None
        body = parent_client.get(PLAY).content.decode()
        assert "Recorded as practised" in body

    def test_replaying_keeps_practised(self, parent_client, parent):
        play(parent_client, "bcad")
        first = ConversationPractice.objects.get(user=parent).completed_at
        parent_client.post(RESTART, {"step": "0"})
        play(parent_client, "aa")
        practice = ConversationPractice.objects.get(user=parent)
        assert practice.path == "aa" and practice.completed_at == first

    def test_module_page_and_my_learning_show_practised(self, parent_client):
        module = parent_client.get(reverse("courses:module", args=["first-steps"])).content.decode()
        assert "Practise a conversation" in module and INTRO in module and "Practised" not in module
        play(parent_client, "b")
        assert (
            "In progress"
            in parent_client.get(reverse("courses:module", args=["first-steps"])).content.decode()
        )
        play(parent_client, "cad")
        module = parent_client.get(reverse("courses:module", args=["first-steps"])).content.decode()
        mine = parent_client.get(reverse("courses:my_learning")).content.decode()
        assert "✓ Practised" in module
        assert "Practice conversations" in mine and "✓ Practised" in mine and INTRO in mine

    def test_my_learning_lists_conversations_for_the_learners_role_or_tried(self, educator):
        client = Client()
        client.force_login(educator)
        assert INTRO not in client.get(reverse("courses:my_learning")).content.decode()
        play(client, "b")
        assert INTRO in client.get(reverse("courses:my_learning")).content.decode()

    def test_a_guest_who_signs_in_keeps_their_path_and_a_finished_one_counts(self, client, parent):
        play(client, "bcad")
        client.force_login(parent)  # keeps the session's data, as allauth's log-in does
        assert "Recorded as practised" in client.get(PLAY).content.decode()
        practice = ConversationPractice.objects.get(user=parent)
        assert practice.path == "bcad" and practice.completed_at is not None
        assert "first-talk" not in client.session[SESSION_KEY]

    def test_the_learners_own_path_wins_over_a_guest_path(self, client, parent):
        practice_choose(user=parent, session={}, conversation=Conversation.objects.get(), step=0,
                        node="hello", key="a")  # fmt: skip
        play(client, "bcad")
        client.force_login(parent)
        client.get(PLAY)
        assert ConversationPractice.objects.get(user=parent).path == "a"

    def test_a_reloaded_conversation_starts_an_unfinished_path_again(self, parent_client, parent, tmp_path):
        play(parent_client, "bc")
        root = build_course(tmp_path / "content", 2)
        target = root / "conversations" / "01-first-talk.yaml"
        target.write_text(target.read_text().replace("Never mind.", "Never mind, then."))
        course_load(root=root)
        assert "Can I tell you something?" in parent_client.get(PLAY).content.decode()
        stale = parent_client.post(PLAY, {"step": "2", "node": "secret", "choice": "a"}, follow=True)
        assert "updated since you began, so it starts again" in stale.content.decode()
        assert ConversationPractice.objects.get(user=parent).path == ""
        play(parent_client, "b")
        assert ConversationPractice.objects.get(user=parent).path == "b"

    def test_the_data_export_includes_practice(self, parent):
        practice_choose(user=parent, session={}, conversation=Conversation.objects.get(), step=0,
                        node="hello", key="b")  # fmt: skip
        exported = progress_export(user=parent)["practice_conversations"]
        assert exported[0]["conversation"] == "first-talk" and exported[0]["path"] == "b"
        assert exported[0]["practised_at"] is None


@pytest.fixture(params=["guest", "signed in"])
def learner(request, parent):
    client = Client()
    if request.param == "signed in":
        client.force_login(parent)
    return client


class TestBadRequests:
    def test_a_double_post_changes_nothing_the_second_time(self, learner):
        fields = {**turn(learner), "choice": "b"}
        assert learner.post(PLAY, fields).status_code == 302
        again = learner.post(PLAY, fields, follow=True)
        assert again.status_code == 200
        assert "already answered, so nothing changed" in again.content.decode()
        assert "Someone online asked me to keep a secret." in again.content.decode()
        play(learner, "c")
        assert "Do you have to tell anyone?" in learner.get(PLAY).content.decode()

    def test_an_answer_from_a_stale_tab_does_not_rewrite_the_path(self, learner):
        old = turn(learner)
        play(learner, "bc")
        learner.post(PLAY, {**old, "choice": "a"})
        assert "Do you have to tell anyone?" in learner.get(PLAY).content.decode()

    @pytest.mark.parametrize(
        "fields",
        [
            {"step": "0", "node": "ending-safe", "choice": "a"},  # a node that is not the current one
            {"step": "0", "node": "tells", "choice": "c"},
            {"step": "0", "node": "no-such-node", "choice": "a"},
            {"step": "0", "node": "hello", "choice": "d"},  # no choice d at this node
            {"step": "0", "node": "hello", "choice": "e"},
            {"step": "0", "node": "hello"},
            {"step": "-1", "node": "hello", "choice": "a"},
            {"step": "x", "node": "hello", "choice": "a"},
            {"step": "0", "node": "hello" * 100, "choice": "a"},
            {"step": "9" * 30, "node": "hello", "choice": "a"},
            {"step": "0", "node": "hel\x00lo", "choice": "a"},
        ],
    )
    def test_a_forged_node_or_choice_is_refused_and_nothing_changes(self, learner, parent, fields):
        assert learner.post(PLAY, fields).status_code == 400
        assert "Can I tell you something?" in learner.get(PLAY).content.decode()
        assert not ConversationPractice.objects.exclude(path="").exists()

    def test_a_forged_rewind_is_refused_or_ignored(self, learner):
        play(learner, "b")
        assert learner.post(RESTART, {"step": "-1"}).status_code == 400
        assert learner.post(RESTART, {"step": "x" * 5000}).status_code == 400
        assert learner.post(RESTART, {}).status_code == 400
        ignored = learner.post(RESTART, {"step": "5"}, follow=True)
        assert "nothing changed" in ignored.content.decode()
        assert "Someone online asked me to keep a secret." in learner.get(PLAY).content.decode()

    def test_wrong_methods_are_refused(self, learner):
        assert learner.put(PLAY).status_code == 405
        assert learner.delete(PLAY).status_code == 405
        assert learner.get(RESTART).status_code == 405

    def test_posts_need_a_csrf_token(self, parent):
        client = Client(enforce_csrf_checks=True)
        client.force_login(parent)
        assert client.post(PLAY, {"step": "0", "node": "hello", "choice": "b"}).status_code == 403


def test_a_lost_creation_race_is_stale_not_an_error(parent, monkeypatch):
    conversation = Conversation.objects.get()
    monkeypatch.setattr("courses.practice._practice_create", lambda **kwargs: None)
    outcome = practice_choose(
        user=parent, session={}, conversation=conversation, step=0, node="hello", key="b"
    )
    assert outcome == "stale" and not ConversationPractice.objects.exists()
    assert practice_rewind(user=parent, session={}, conversation=conversation, step=0) == "moved"


# --- Query budgets: the same for every turn, whatever the conversation's size ----------------

# Signed in: session(1) + user(1) + conversation with module(1).
BUDGETS = {
    # + practice row(1)
    "turn": 4,
    # + practice row(1) + the module's sources(1)
    "debrief": 5,
    # + SAVEPOINT, practice row FOR UPDATE, UPDATE, RELEASE (the atomic block inside the test's
    # transaction) = 4
    "choose": 7,
    # guests: session(1) + conversation(1), then the session saved (SAVEPOINT, UPDATE, RELEASE)
    "choose_guest": 5,
}


@pytest.fixture(params=["fixture", "shipped"])
def sized(request, db, tmp_path):
    """The tiny fixture conversation, or the shipped course's biggest one."""
    if request.param == "fixture":
        return "first-talk", "bcad"
    course_load(root=SHIPPED_CONTENT)
    return "threat-to-share", "bdac"


@pytest.mark.parametrize("at", [1, 3])
def test_each_turn_runs_the_same_queries(sized, parent, at, assert_query_count):
    slug, keys = sized
    play_url = reverse("courses:practice_play", args=[slug])
    client = Client()
    client.force_login(parent)
    conversation = Conversation.objects.get(slug=slug)
    path = ""
    for key in keys[:at]:
        node = practice_state_node(conversation, path)
        practice_choose(
            user=parent, session={}, conversation=conversation, step=len(path), node=node, key=key
        )
        path += key
    node = practice_state_node(conversation, path)
    with assert_query_count(BUDGETS["turn"]):
        assert client.get(play_url).status_code == 200
    with assert_query_count(BUDGETS["choose"]):
        response = client.post(play_url, {"step": len(path), "node": node, "choice": keys[at]})
    assert response.status_code == 302


def test_the_debrief_runs_a_fixed_number_of_queries(parent_client, assert_query_count):
    play(parent_client, "bcad")
    with assert_query_count(BUDGETS["debrief"]):
        assert parent_client.get(PLAY).status_code == 200


@pytest.mark.parametrize("at", [1, 3])
def test_a_guests_turn_runs_the_same_queries(client, at, assert_query_count):
    play(client, "bcad"[:at])
    fields = {**turn(client), "choice": "bcad"[at]}
    with assert_query_count(BUDGETS["choose_guest"]):
        assert client.post(PLAY, fields).status_code == 302


def practice_state_node(conversation, path: str) -> str:
    return walk(conversation.nodes, conversation.start, path)[-1].node_id
