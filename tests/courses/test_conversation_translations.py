"""A practice conversation's Spanish twin (`NN-slug.es.yaml`): loaded with the course, refused
with file and node named when its structure differs from the original's (nodes, lines, choices,
keys, where they lead, which is best, citations), and played in Spanish on the same graph, so a
learner's path carries over when they switch language."""

import shutil

import pytest
from django.urls import reverse

from courses.content import ContentError, course_load
from courses.models import Conversation
from tests.conftest import FIXTURE_CONTENT, client_for

TWIN = "conversations/01-first-talk.es.yaml"
ES = {"HTTP_ACCEPT_LANGUAGE": "es"}


@pytest.fixture
def tree(tmp_path):
    root = tmp_path / "content"
    shutil.copytree(FIXTURE_CONTENT, root)
    return root


def edit(tree, old: str, new: str, path: str = TWIN) -> None:
    target = tree / path
    text = target.read_text()
    assert old in text, f"the test's edit must apply: {old!r}"
    target.write_text(text.replace(old, new, 1))


def test_the_spanish_words_load_on_the_original_graph(db, tree):
    course_load(root=tree)
    conversation = Conversation.objects.get(slug="first-talk")
    spanish = conversation.translations["es"]
    assert spanish["title"] == "Su hijo quiere contarle algo"
    assert spanish["nodes"]["hello"]["says"] == ["¿Te puedo contar algo?"]
    for node_id, node in conversation.nodes.items():
        twin = spanish["nodes"][node_id]
        assert [(c["key"], c["next"], c["best"], c["loop"]) for c in node.get("choices", [])] == [
            (c["key"], c["next"], c["best"], c["loop"]) for c in twin.get("choices", [])
        ]
        assert node.get("ending") == twin.get("ending")
    assert (
        'href="#source-1"' in spanish["nodes"]["hello"]["choices"][1]["note_html"]
        or "[1]" in (spanish["nodes"]["hello"]["choices"][1]["note_html"])
    )


REFUSALS = [
    pytest.param('  quiet:\n    says:\n      - "Olvídalo."\n', '  quieto:\n    says:\n      - "Olvídalo."\n',
                 "01-first-talk.es.yaml: nodes: must have the original's nodes, by id", id="renamed-node"),
    pytest.param('      - "Me dijo que no te contara."\n', "",
                 "nodes.tells.says: must have 2 lines, as the original", id="a-line-missing"),
    pytest.param('      - key: c\n        text: "\\"Como quieras.\\""\n        note: Suena frío.\n', "",
                 "nodes.quiet.choices: must have 3 choices, as the original", id="a-choice-missing"),
    pytest.param('      - key: b\n        text: "\\"Claro. Te escucho.\\""\n',
                 '      - key: c\n        text: "\\"Claro. Te escucho.\\""\n',
                 "nodes.hello.choices[1].key: must be 'b', the original's key in this place", id="keys-reordered"),
    pytest.param('        text: "\\"Ahora no.\\""\n', '        text: "\\"Ahora no.\\""\n        best: true\n',
                 "nodes.hello.choices[0].best: must be the original's (False) or left out", id="another-best"),
    pytest.param('        text: "\\"Bórralos todos.\\""\n', '        text: "\\"Bórralos todos.\\""\n        next: ending-safe\n',
                 "nodes.evidence.choices[0].next: must be the original's ('ending-alone') or left out",
                 id="leads-elsewhere"),
    pytest.param("Empezar con calma ayuda a que el niño hable.[^1]", "Empezar con calma ayuda a que el niño hable.",
                 "nodes.hello.choices[1].note: cites [] but the original cites [1]", id="a-citation-dropped"),
    pytest.param('    title: "Jo deja de hablar"\n', "", "nodes.ending-alone.title: is required", id="ending-title"),
    pytest.param("    debrief: Reporte pronto.[^1]\n", "    debrief: Reporte pronto.[^1]\n    ending: poor\n",
                 "nodes.ending-later.ending: must be the original's ('good')", id="ending-changed"),
    pytest.param("other: Jo\n", "other: Jo\nmodule: second-steps\n",
                 "module: must be the original's ('first-steps') or left out", id="moved-module"),
    pytest.param("other: Jo\n", "other: Jo\nmood: calm\n", "mood: is not a field of a conversation",
                 id="unknown-field"),
]  # fmt: skip


@pytest.mark.parametrize(("old", "new", "message"), REFUSALS)
def test_a_twin_that_differs_from_its_original_is_refused_and_nothing_changes(db, tree, old, new, message):
    course_load(root=tree)
    edit(tree, old, new)
    with pytest.raises(ContentError) as error:
        course_load(root=tree)
    assert message in str(error.value)
    assert (
        Conversation.objects.get(slug="first-talk").translations["es"]["title"]
        == "Su hijo quiere contarle algo"
    )


def test_a_twin_without_an_original_is_refused(db, tree):
    shutil.copy(tree / TWIN, tree / "conversations" / "02-lost.es.yaml")
    with pytest.raises(ContentError) as error:
        course_load(root=tree)
    assert "02-lost.es.yaml: file name: has no original conversation 02-lost.yaml" in str(error.value)


# --- Playing in Spanish ----------------------------------------------------------------------


@pytest.fixture
def spanish_parent(course, parent):
    parent.language = "es"
    parent.save(update_fields=["language"])
    return parent


def test_the_intro_play_and_debrief_read_in_spanish(spanish_parent):
    client = client_for(spanish_parent)
    intro = client.get(reverse("courses:practice", args=["first-talk"])).content.decode()
    assert "Su hijo quiere contarle algo" in intro and "Jo tiene 12 años" in intro
    assert "no está traducid" not in intro and 'lang="en"' not in intro.split("<main", 1)[1]
    play = client.get(reverse("courses:practice_play", args=["first-talk"])).content.decode()
    assert "¿Te puedo contar algo?" in play and "Claro. Te escucho." in play
    for step, (node, key) in enumerate([("hello", "b"), ("tells", "c"), ("secret", "a"), ("evidence", "d")]):
        client.post(
            reverse("courses:practice_play", args=["first-talk"]), {"step": step, "node": node, "choice": key}
        )
    debrief = client.get(reverse("courses:practice_play", args=["first-talk"])).content.decode()
    assert "Jo se siente a salvo, y ustedes tienen un plan" in debrief
    assert "Usted mantuvo la calma" in debrief and "Guardar y luego reportar." in debrief
    assert "You stayed calm" not in debrief


def test_a_path_begun_in_english_continues_in_spanish(course, parent):
    client = client_for(parent)
    url = reverse("courses:practice_play", args=["first-talk"])
    client.post(url, {"step": 0, "node": "hello", "choice": "b"}, HTTP_ACCEPT_LANGUAGE="en")
    parent.language = "es"
    parent.save(update_fields=["language"])
    page = client.get(url).content.decode()
    assert "Alguien en internet me pidió guardar un secreto." in page
    assert "Gracias por contarme. Hiciste lo correcto." in page


def test_a_conversation_without_a_twin_shows_in_english_with_a_notice_and_lang_marked(spanish_parent):
    Conversation.objects.filter(slug="first-talk").update(translations={})
    page = client_for(spanish_parent).get(reverse("courses:practice", args=["first-talk"])).content.decode()
    assert "no está traducid" in page
    assert '<h1 lang="en">Your child wants to tell you something</h1>' in page


def test_the_module_page_and_my_learning_list_the_conversation_in_spanish(spanish_parent):
    client = client_for(spanish_parent)
    for url in (reverse("courses:module", args=["first-steps"]), reverse("courses:my_learning")):
        page = client.get(url).content.decode()
        assert "Su hijo quiere contarle algo" in page and "Your child wants to tell you something" not in page
