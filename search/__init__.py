"""Danish-aware search over the directory (no streamlit here).

from search import SearchIndex
hits = SearchIndex(directory).search("herberg", limit=10, age=25, open_now=True)
"""

from directory.rules.hours import unit_hours, unit_status
from search.index import Field, Hit, HitKind, How, Match, SearchIndex
from search.normalize import fold, key, query_terms

__all__ = [
    "Field",
    "Hit",
    "HitKind",
    "How",
    "Match",
    "SearchIndex",
    "fold",
    "key",
    "query_terms",
    "unit_hours",
    "unit_status",
]
