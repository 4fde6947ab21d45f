"""Practice conversations in content/conversations/: loaded with the course, in the same
transaction, or refused with the file and the node named while the database keeps what it had."""

import shutil

import pytest

from courses.content import ContentError, course_load
from courses.conversations import extend, recommended_path, walk
from courses.models import Conversation, ConversationPractice, Module
from courses.practice import practice_choose
from tests.conftest import FIXTURE_CONTENT

FILE = "conversations/01-first-talk.yaml"


@pytest.fixture
def tree(tmp_path):
    root = tmp_path / "content"
    shutil.copytree(FIXTURE_CONTENT, root)
    return root


def edit(tree, old: str, new: str, path: str = FILE) -> None:
    target = tree / path
    text = target.read_text()
    assert old in text, f"the test's edit must apply: {old!r}"
    target.write_text(text.replace(old, new, 1))


def test_loads_the_conversation_with_its_module_and_validated_nodes(db, tree):
    report = course_load(root=tree)
    assert report.conversations == 1
    conversation = Conversation.objects.get(slug="first-talk")
    assert conversation.module == Module.objects.get(slug="first-steps")
    assert conversation.other == "Jo" and conversation.start == "hello"
    assert conversation.audiences == "parent"
    assert set(conversation.nodes) >= {"hello", "ending-safe", "ending-alone"}
    best = next(c for c in conversation.nodes["hello"]["choices"] if c["best"])
    assert best["key"] == "b" and best["next"] == "tells"
    assert 'href="#source-1"' in best["note_html"]
    assert conversation.nodes["ending-safe"]["ending"] == "good"


def test_the_recommended_path_follows_the_best_choices_to_a_good_ending(db, tree):
    course_load(root=tree)
    conversation = Conversation.objects.get(slug="first-talk")
    keys = recommended_path(conversation.nodes, conversation.start)
    assert keys == "bcad"
    assert walk(conversation.nodes, conversation.start, keys)[-1].node_id == "ending-safe"


def test_a_file_without_conversations_folder_loads(db, tree):
    shutil.rmtree(tree / "conversations")
    assert course_load(root=tree).conversations == 0


def test_reloading_updates_in_place_and_keeps_practice(db, tree, parent):
    course_load(root=tree)
    conversation = Conversation.objects.get(slug="first-talk")
    practice_choose(user=parent, session={}, conversation=conversation, step=0, node="hello", key="b")
    edit(tree, 'title: "Your child wants to tell you something"', 'title: "Jo wants to talk"')
    course_load(root=tree)
    reloaded = Conversation.objects.get(slug="first-talk")
    assert reloaded.pk == conversation.pk and reloaded.title == "Jo wants to talk"
    assert reloaded.content_hash != conversation.content_hash
    assert ConversationPractice.objects.filter(user=parent, conversation=reloaded).exists()


def test_a_removed_file_retires_the_conversation_but_keeps_practice(db, tree, parent):
    course_load(root=tree)
    conversation = Conversation.objects.get(slug="first-talk")
    practice_choose(user=parent, session={}, conversation=conversation, step=0, node="hello", key="b")
    (tree / FILE).unlink()
    (tree / FILE.replace(".yaml", ".es.yaml")).unlink()  # its translation goes with it
    course_load(root=tree)
    conversation.refresh_from_db()
    assert conversation.is_active is False
    assert ConversationPractice.objects.filter(conversation=conversation).exists()


REFUSALS = [
    pytest.param(
        "  quiet:\n",
        '  lonely:\n    says: ["Hello?"]\n    ending: poor\n    title: Alone\n    debrief: Nobody came.\n  quiet:\n',
        "nodes.lonely: cannot be reached from start ('hello')",
        id="unreachable-node",
    ),
    pytest.param(
        '    ending: poor\n    title: "Jo stops talking"\n    debrief: Go back and say sorry.\n',
        "",
        "nodes.ending-alone: is a dead end: give it choices, or make it an ending",
        id="dead-end",
    ),
    pytest.param(
        "    debrief: Go back and say sorry.\n",
        "",
        "nodes.ending-alone.debrief: is required",
        id="ending-without-debrief",
    ),
    pytest.param(
        '    title: "Jo stops talking"\n',
        "",
        "nodes.ending-alone.title: is required",
        id="ending-without-title",
    ),
    pytest.param(
        "        next: ending-alone\n        note: The chance passes.",
        "        next: nowhere\n        note: The chance passes.",
        "nodes.quiet.choices[0].next: no node has the id 'nowhere'",
        id="next-names-no-node",
    ),
    pytest.param(
        "        next: ending-alone\n        note: It sounds like blame.",
        "        next: hello\n        note: It sounds like blame.",
        "nodes.tells.choices[0].next: goes back to 'hello' and makes a loop",
        id="unmarked-cycle",
    ),
    pytest.param(
        "        next: quiet\n        note: Busy, but it closes the door.",
        "        next: quiet\n        best: true\n        note: Busy, but it closes the door.",
        "nodes.hello.choices: exactly one choice must be best: true, not 2",
        id="two-best-choices",
    ),
    pytest.param(
        "        next: tells\n        best: true\n        note: A calm start",
        "        next: tells\n        note: A calm start",
        "nodes.hello.choices: exactly one choice must be best: true, not 0",
        id="no-best-choice",
    ),
    pytest.param(
        '      - key: c\n        text: "\\"Only if it\'s quick.\\""\n        next: quiet\n        note: Rushing makes it hard to speak.\n',
        "",
        "nodes.hello.choices: needs 3 or 4 choices, not 2",
        id="too-few-choices",
    ),
    pytest.param(
        '      - key: c\n        text: "\\"Only if',
        '      - key: e\n        text: "\\"Only if',
        "nodes.hello.choices[2].key: 'e' is not one of a, b, c, d",
        id="unknown-key",
    ),
    pytest.param(
        '      - key: c\n        text: "\\"Only if',
        '      - key: a\n        text: "\\"Only if',
        "nodes.hello.choices[2].key: 'a' is used twice",
        id="key-used-twice",
    ),
    pytest.param(
        "note: A calm start helps a child talk.[^1]",
        "note: A calm start helps a child talk.[^9]",
        "nodes.hello.choices[1].note: cites [^9] but the module has no source 9",
        id="citation-to-no-source",
    ),
    pytest.param(
        "debrief: You stayed calm and made a plan.[^1]",
        "debrief: You stayed calm and made a plan.[^4]",
        "nodes.ending-safe.debrief: cites [^4] but the module has no source 4",
        id="debrief-citation-to-no-source",
    ),
    pytest.param(
        "        note: Busy, but it closes the door.",
        "        note: ''",
        "nodes.hello.choices[0].note: is required",
        id="choice-without-note",
    ),
    pytest.param(
        "module: first-steps",
        "module: nowhere",
        "module: no module has the slug 'nowhere'",
        id="unknown-module",
    ),
    pytest.param(
        "slug: first-talk",
        "slug: second-talk",
        "slug: 'second-talk' must match the file name ('first-talk' after the NN- prefix)",
        id="slug-is-not-the-file-name",
    ),
    pytest.param(
        "start: hello",
        "start: goodbye",
        "start: no node has the id 'goodbye'",
        id="start-names-no-node",
    ),
    pytest.param(
        "        next: ending-safe\n        best: true",
        "        next: ending-alone\n        best: true",
        "nodes.ending-alone: the best choices from start end here, which is not a good ending",
        id="recommended-path-ends-badly",
    ),
    pytest.param(
        "        next: evidence\n        best: true",
        "        next: ending-safe\n        best: true",
        "start: the recommended path (the best choices) has 3 decisions; it needs 4 to 8",
        id="recommended-path-too-short",
    ),
    pytest.param(
        '    ending: good\n    title: "A plan',
        '    ending: fine\n    title: "A plan',
        "nodes.ending-later.ending: must be one of good, poor",
        id="unknown-ending-kind",
    ),
    pytest.param(
        '      - "Never mind."\n',
        '      - "Never mind."\n      - "Really."\n      - "Forget it."\n      - "Bye."\n',
        "nodes.quiet.says: needs 1 to 3 lines, not 4",
        id="too-many-lines",
    ),
    pytest.param(
        "  quiet:\n    says:",
        "  quiet:\n    say: [oops]\n    says:",
        "nodes.quiet.say: is not a field of a node with choices",
        id="unknown-node-field",
    ),
    pytest.param(
        "        next: ending-alone\n        note: The chance passes.",
        "        next: ending-alone\n        best: maybe\n        note: The chance passes.",
        "nodes.quiet.choices[0].best: must be true or false",
        id="best-is-not-a-flag",
    ),
]


@pytest.mark.parametrize(("old", "new", "expected"), REFUSALS)
def test_a_broken_conversation_is_refused_naming_file_and_node_and_nothing_changes(
    db, tree, old, new, expected
):
    course_load(root=tree)
    before = Conversation.objects.get(slug="first-talk")
    module_hash = Module.objects.get(slug="first-steps").content_hash
    edit(tree, old, new)
    edit(tree, "title: First steps", "title: First steps, edited", "modules/01-first-steps/module.yaml")
    with pytest.raises(ContentError) as caught:
        course_load(root=tree)
    assert f"{FILE}: {expected}" in "\n".join(caught.value.problems), caught.value.problems
    after = Conversation.objects.get(slug="first-talk")
    assert (after.nodes, after.content_hash, after.start) == (before.nodes, before.content_hash, before.start)
    module = Module.objects.get(slug="first-steps")
    assert module.title == "First steps" and module.content_hash == module_hash


def test_a_broken_conversation_on_a_first_load_loads_nothing(db, tree):
    edit(
        tree,
        "        next: ending-alone\n        note: The chance",
        "        next: nowhere\n        note: The chance",
    )
    with pytest.raises(ContentError):
        course_load(root=tree)
    assert not Module.objects.exists() and not Conversation.objects.exists()


LOOP = (
    "        next: ending-alone\n        note: The chance passes.",
    "        next: hello\n        loop: true\n        note: Start over and try again.",
)


def test_a_loop_marked_on_its_choice_is_allowed(db, tree):
    edit(tree, *LOOP)
    course_load(root=tree)
    conversation = Conversation.objects.get(slug="first-talk")
    assert conversation.nodes["quiet"]["choices"][0]["loop"] is True


def test_a_marked_loop_rewinds_the_path_to_the_node_it_returns_to(db, tree):
    edit(tree, *LOOP)
    course_load(root=tree)
    nodes = Conversation.objects.get(slug="first-talk").nodes
    assert walk(nodes, "hello", "a")[-1].node_id == "quiet"
    assert extend(nodes, "hello", "a", "a") == ""  # back at hello: the path starts again
    assert extend(nodes, "hello", "a", "b") == "ab"


def test_the_best_choice_cannot_be_a_loop(db, tree):
    edit(tree, *LOOP)
    edit(
        tree,
        "        next: tells\n        best: true\n        note: A quick",
        "        next: tells\n        note: A quick",
    )
    edit(tree, "        loop: true\n", "        loop: true\n        best: true\n")
    with pytest.raises(ContentError) as caught:
        course_load(root=tree)
    assert f"{FILE}: nodes.quiet.choices[0]: the best choice cannot be a loop" in "\n".join(
        caught.value.problems
    )


def test_no_path_may_have_more_than_eight_decisions(db, tree):
    """A chain of nine decisions before the last ending: refused at that ending."""
    nodes = []
    for i in range(9):
        target = f"n{i + 1}" if i < 8 else "end"
        nodes.append(
            f'  n{i}:\n    says: ["Line {i}"]\n    choices:\n'
            + "".join(
                f"      - key: {k}\n        text: Say {k}\n        next: {target if k == 'a' else 'out'}\n"
                f"        note: Note {k}.\n" + ("        best: true\n" if k == "a" else "")
                for k in "abc"
            )
        )
    nodes.append("  end:\n    says: [Bye]\n    ending: good\n    title: Done\n    debrief: Done.\n")
    nodes.append("  out:\n    says: [Bye]\n    ending: poor\n    title: Out\n    debrief: Out.\n")
    (tree / FILE).write_text(
        "slug: first-talk\ntitle: Long\nsummary: S.\nmodule: first-steps\naudiences: [parent]\n"
        "setting: S.\nother: Jo\ncontent_note: N.\nstart: n0\nnodes:\n" + "".join(nodes)
    )
    with pytest.raises(ContentError) as caught:
        course_load(root=tree)
    problems = "\n".join(caught.value.problems)
    assert f"{FILE}: nodes.end: a path to this ending has 9 decisions; at most 8" in problems
    assert "the recommended path (the best choices) has 9 decisions" in problems


def test_two_files_with_one_slug_are_refused(db, tree):
    shutil.copy(tree / FILE, tree / "conversations" / "02-first-talk.yaml")
    with pytest.raises(ContentError) as caught:
        course_load(root=tree)
    assert "conversations/02-first-talk.yaml: slug: 'first-talk' is used by another conversation" in (
        caught.value.problems
    )


def test_invalid_yaml_is_refused(db, tree):
    (tree / FILE).write_text("slug: [first-talk\n")
    with pytest.raises(ContentError) as caught:
        course_load(root=tree)
    assert any(p.startswith(f"{FILE}: is not valid YAML") for p in caught.value.problems)
