"""Per-forvaltning counts and unit trees."""

from __future__ import annotations

import datetime as dt

from directory.model import stale_before
from directory.rules.overview import department_summaries, unit_tree
from directory.rules.staleness import is_stale


def test_department_summaries(small_directory) -> None:
    rows = {
        r.department_id: r
        for r in department_summaries(small_directory, today=dt.date(2026, 11, 22))
    }
    assert list(rows) == ["sof", "bif", "stat"]
    sof, bif, stat = rows["sof"], rows["bif"], rows["stat"]
    assert (sof.units, sof.gatekeepers, sof.fast_track) == (3, 2, 1)
    assert (sof.referrals_out, sof.referrals_in) == (4, 5)
    assert (bif.units, bif.stale, bif.referrals_out, bif.referrals_in) == (2, 1, 1, 1)
    assert stat.external and stat.referrals_out == 1 and stat.referrals_in == 0
    assert sof.newest_verified == dt.date(2026, 10, 1)


def test_unit_tree_orders_parents_first(small_directory) -> None:
    tree = [(depth, unit.id) for depth, unit in unit_tree(small_directory, "sof")]
    assert tree == [(0, "sof-bcv"), (1, "sof-hjemloese"), (0, "sof-dognvagt")]


def test_stale_boundary(small_directory) -> None:
    verified = small_directory.units["bif-ydelse"].verified
    assert verified == dt.date(2024, 1, 10)
    assert is_stale(verified, dt.date(2025, 1, 11))
    assert not is_stale(verified, dt.date(2025, 1, 10))
    assert not is_stale(None, dt.date(2025, 1, 11))  # a contact or referral without a date
    assert stale_before(dt.date(2028, 2, 29)) == dt.date(2027, 2, 28)
