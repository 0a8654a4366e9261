"""Editing the directory from the app: round-trip YAML edits, validated against the rest of
the directory before anything is written, written so they can be taken back, and committed
to the data directory's git repository as the signed-in user. No streamlit here."""

from directory.editing.editor import (
    SETTABLE,
    Author,
    EditConflict,
    EditError,
    EditingOff,
    Editor,
    EditRefused,
    HistoryEntry,
    SaveResult,
    UnitState,
    author_of,
    commit_url,
)
from directory.editing.fields import FIELD_DA, DirectoryNames, FieldChange, FieldError

__all__ = [
    "FIELD_DA",
    "SETTABLE",
    "Author",
    "DirectoryNames",
    "EditConflict",
    "EditError",
    "EditRefused",
    "Editor",
    "EditingOff",
    "FieldChange",
    "FieldError",
    "HistoryEntry",
    "SaveResult",
    "UnitState",
    "author_of",
    "commit_url",
]
