"""Grow the needs vocabulary from the app: a word added to a need in `needs.yaml`.

`Editor.add_need_word` (the write, the whole-directory validation, the commit as the
signed-in coordinator) uses `need_word_change` for the new text of the file: the word goes
under the need's `synonyms`; a national need the file does not have yet gets an entry with
its id and label (the data folder's needs extend the national ones, see
`directory.rules.vocabulary`); a data folder without the file gets one. No streamlit here.
"""

from __future__ import annotations

from typing import Any

from ruamel.yaml.comments import CommentedSeq

from directory.editing.fields import FieldError
from directory.editing.yamledit import SeqFile, to_node
from directory.rules.needs import NEEDS_FILE, need_key
from directory.rules.personal import personal_kind

MAX_WORD = 200  # characters of a word or phrase added to a need
NEEDS_HEADER = "# yaml-language-server: $schema=./schema/needs.schema.json\n"
NEED_ORDER = ["id", "label", "description", "synonyms"]


def need_word_problem(word: str) -> str | None:
    """Why a word cannot go into the vocabulary (Danish, naming the fix), or None."""
    if not word:
        return "Skriv det ord, der skal tilføjes."
    if len(word) > MAX_WORD:
        return f"Ordet er for langt ({len(word)} tegn): skriv højst {MAX_WORD}."
    if personal_kind(word) is not None:
        return (
            "Ordet ligner et CPR-nummer, et telefonnummer eller en e-mailadresse og kan ikke "
            "komme i behovsordbogen: skriv ordet uden dem."
        )
    return None


def need_word_change(
    text: str | None, path: str, need_id: str, label: str, word: str
) -> tuple[str | None, FieldError | None]:
    """needs.yaml's new text with `word` under the need (None and an error when it is there
    already). `label` names a need the file does not have yet (a national need)."""
    doc = SeqFile(text or "", "needs", path, NEEDS_FILE)
    index = doc.find(need_id)
    if index is None:
        doc.append({"id": need_id, "label": label, "synonyms": [word]}, NEED_ORDER)
    else:
        node = doc.item(index)
        known = [node.get("id"), node.get("label"), *(node.get("synonyms") or [])]
        if need_key(word) in {need_key(str(k)) for k in known if k}:
            shown = node.get("label") or need_id
            return None, FieldError("word", f"»{word}« står allerede under behovet »{shown}«.")
        synonyms: Any = node.get("synonyms")
        if isinstance(synonyms, CommentedSeq):
            synonyms.append(to_node(word, "synonyms"))
        else:
            node["synonyms"] = CommentedSeq([to_node(word, "synonyms")])
    new = doc.text()
    if text is None:
        new = NEEDS_HEADER + new
    return new, None
