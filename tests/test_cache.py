"""The disk cache of validated directories and the "last good" version (directory.loading.cache)."""

from __future__ import annotations

import datetime as dt
import os
import pickle
import stat
from pathlib import Path

import pytest

from directory.loading import cache as cache_mod
from directory.loading import loader
from directory.loading.cache import DiskCache, content_key
from directory.loading.loader import last_good, validate_directory

TODAY = dt.date(2026, 11, 1)


@pytest.fixture
def own_cache(tmp_path: Path) -> Path:
    """The disk cache's folder, passed to the loader as the app passes `LANDKORT_CACHE`."""
    return tmp_path / "cache"


def _no_parsing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make any real read of the data fail the test: a hit must not parse anything."""

    def refuse(self):  # noqa: ANN001
        raise AssertionError("the data was parsed again instead of read from the cache")

    monkeypatch.setattr(loader._Checker, "run", refuse)


def _entries(folder: Path) -> list[Path]:
    return sorted(p for p in folder.glob("*.pickle") if not p.name.startswith("lastgood-"))


def test_second_validate_reads_the_cache(data_dir: Path, own_cache: Path, monkeypatch) -> None:
    first = validate_directory(data_dir, today=TODAY, cache_dir=own_cache)
    assert first.ok and first.version
    assert len(_entries(own_cache)) == 1
    _no_parsing(monkeypatch)
    second = validate_directory(data_dir, today=TODAY, cache_dir=own_cache)
    assert second.version == first.version
    assert list(second.directory.units) == list(first.directory.units)
    assert [str(p) for p in second.warnings] == [str(p) for p in first.warnings]
    unit = second.directory.units["sof-bcv"]
    assert unit.source.line_of("phones") == first.directory.units["sof-bcv"].source.line_of(
        "phones"
    )
    assert second.directory.contacts["k-bcv-1"].phones[0].number == "33 99 10 02"


def test_editing_one_character_invalidates_it(data_dir: Path, own_cache: Path) -> None:
    first = validate_directory(data_dir, today=TODAY, cache_dir=own_cache)
    path = data_dir / "units" / "sof.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("Døgnvagten", "Døgnvagtem"), encoding="utf-8")
    second = validate_directory(data_dir, today=TODAY, cache_dir=own_cache)
    assert second.version != first.version
    assert second.directory.units["sof-dognvagt"].name == "Døgnvagtem"


@pytest.mark.parametrize(
    "change",
    [
        "new_file",  # a file the loader warns about is part of the key too
        "other_day",  # warnings depend on the day
    ],
)
def test_other_inputs_give_another_key(data_dir: Path, change: str) -> None:
    before = content_key(str(data_dir), TODAY)
    if change == "new_file":
        (data_dir / "extra.yml").write_text("x: 1\n", encoding="utf-8")
        assert content_key(str(data_dir), TODAY) != before
    else:
        assert content_key(str(data_dir), TODAY + dt.timedelta(days=1)) != before


def test_code_change_gives_another_key(data_dir: Path, monkeypatch) -> None:
    before = content_key(str(data_dir), TODAY)
    monkeypatch.setattr(cache_mod, "code_version", lambda: "other code")
    assert content_key(str(data_dir), TODAY) != before


def test_secret_and_folder_are_private(data_dir: Path, own_cache: Path) -> None:
    validate_directory(data_dir, today=TODAY, cache_dir=own_cache)
    assert stat.S_IMODE(own_cache.stat().st_mode) == 0o700
    secret = own_cache / "secret.key"
    assert stat.S_IMODE(secret.stat().st_mode) == 0o600
    assert len(secret.read_bytes()) == 32


class _Trap:
    """Unpickling this runs code: it must never happen for a cache file not signed by us."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):  # noqa: ANN204
        return (Path.write_text, (self.marker, "unpickled"))


@pytest.mark.parametrize("damage", ["flip_byte", "truncate", "foreign_key", "unsigned"])
def test_damaged_or_foreign_entry_is_ignored_and_rebuilt(
    data_dir: Path, own_cache: Path, tmp_path: Path, damage: str
) -> None:
    first = validate_directory(data_dir, today=TODAY, cache_dir=own_cache)
    (entry,) = _entries(own_cache)
    marker = tmp_path / "marker"
    blob = entry.read_bytes()
    if damage == "flip_byte":
        middle = len(blob) // 2
        entry.write_bytes(blob[:middle] + bytes([blob[middle] ^ 1]) + blob[middle + 1 :])
    elif damage == "truncate":
        entry.write_bytes(blob[: len(blob) // 2])
    elif damage == "foreign_key":  # signed by another install's key
        other = DiskCache(tmp_path / "other")
        other.store(entry.stem, _Trap(marker))
        entry.write_bytes((tmp_path / "other" / entry.name).read_bytes())
    else:  # a plain pickle dropped into the folder
        entry.write_bytes(cache_mod.MAGIC + bytes(32) + pickle.dumps(_Trap(marker)))
    again = validate_directory(data_dir, today=TODAY, cache_dir=own_cache)
    assert not marker.exists()
    assert again.ok and list(again.directory.units) == list(first.directory.units)
    # rebuilt: the entry verifies again
    assert DiskCache(own_cache).load(entry.stem) is not None


def test_a_key_file_others_can_read_disables_the_cache(
    data_dir: Path, own_cache: Path, capsys
) -> None:
    validate_directory(data_dir, today=TODAY, cache_dir=own_cache)
    secret = own_cache / "secret.key"
    os.chmod(secret, 0o644)
    for entry in _entries(own_cache):
        entry.unlink()
    result = validate_directory(data_dir, today=TODAY, cache_dir=own_cache)
    assert result.ok
    assert _entries(own_cache) == []
    assert capsys.readouterr().err == (
        f"landkort: cachen bruges ikke: {secret} kan læses eller skrives af andre brugere: slet "
        "den (så laves en ny med mode 0600), eller kør 'chmod 600' på den\n"
    )


def test_without_a_cache_folder_nothing_is_written(
    data_dir: Path, tmp_path: Path, monkeypatch
) -> None:
    """`LANDKORT_CACHE=off` (`Settings.cache_dir` None) and the core's default: no folder."""
    monkeypatch.chdir(tmp_path)
    assert validate_directory(data_dir, today=TODAY, cache_dir=None).ok
    assert validate_directory(data_dir, today=TODAY).ok
    assert last_good(data_dir, None) is None
    assert not (tmp_path / "var").exists()
    assert not (tmp_path / "cache").exists()


def test_last_good_survives_a_broken_file(data_dir: Path, monkeypatch, own_cache: Path) -> None:
    good = validate_directory(data_dir, today=TODAY, cache_dir=own_cache)
    path = data_dir / "units" / "bif.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("department: bif", "department: bfi"))
    bad = validate_directory(data_dir, today=TODAY, cache_dir=own_cache)
    assert not bad.ok and bad.directory is None
    # a restart: nothing in memory, and parsing would fail the test
    _no_parsing(monkeypatch)
    kept = last_good(data_dir, own_cache)
    assert kept is not None and kept.version == good.version
    assert "bif-jku" in kept.directory.units


def test_last_good_is_the_newest_valid_version(data_dir: Path, own_cache: Path) -> None:
    validate_directory(data_dir, today=TODAY, cache_dir=own_cache)
    path = data_dir / "units" / "stat.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("Kriminalforsorgen", "KIF"))
    newer = validate_directory(data_dir, today=TODAY, cache_dir=own_cache)
    path.write_text("units:\n  - id: [broken\n", encoding="utf-8")
    assert not validate_directory(data_dir, today=TODAY, cache_dir=own_cache).ok
    kept = last_good(data_dir, own_cache)
    assert kept.version == newer.version
    assert kept.directory.units["stat-kif"].name == "KIF København"


def test_no_last_good_from_other_code(data_dir: Path, monkeypatch, own_cache: Path) -> None:
    validate_directory(data_dir, today=TODAY, cache_dir=own_cache)
    assert last_good(data_dir, own_cache) is not None
    monkeypatch.setattr(cache_mod, "code_version", lambda: "other code")
    assert last_good(data_dir, own_cache) is None


def test_old_entries_are_pruned_but_last_good_kept(data_dir: Path, own_cache: Path) -> None:
    good = validate_directory(data_dir, today=TODAY, cache_dir=own_cache)
    path = data_dir / "units" / "stat.yaml"
    text = path.read_text(encoding="utf-8")
    for n in range(cache_mod.KEEP_ENTRIES + 3):
        path.write_text(text.replace("verified: 2026-06-01", "verified: [") + f"# {n}\n")
        assert not validate_directory(data_dir, today=TODAY, cache_dir=own_cache).ok
    entries = _entries(own_cache)
    assert len(entries) <= cache_mod.KEEP_ENTRIES + 1
    assert own_cache / f"{good.version}.pickle" in entries
    assert last_good(data_dir, own_cache).version == good.version


# -- entries written and read in parts (memory at 50k units) ---------------------------------


def _pickles(entry: Path) -> list[object]:
    """Every pickle in an entry, each read by its own unpickler (test data we just wrote)."""
    out: list[object] = []
    with entry.open("rb") as fh:
        fh.seek(len(cache_mod.MAGIC) + 32)
        while fh.peek(1):
            out.append(pickle.load(fh))
    return out


def test_a_result_is_written_in_parts_and_read_back_whole(
    data_dir: Path, own_cache: Path, monkeypatch
) -> None:
    monkeypatch.setattr(loader, "_CACHE_SLICE", 4)  # 6 units and 6 referrals: 2 parts each
    first = validate_directory(data_dir, today=TODAY, cache_dir=own_cache)
    (entry,) = _entries(own_cache)
    header, rest, *parts = _pickles(entry)
    assert header == (loader.Validation, 5)
    assert [(kind, len(records)) for kind, records in parts] == [
        ("units", 4),
        ("units", 2),
        ("referrals", 4),
        ("referrals", 2),
    ]
    _no_parsing(monkeypatch)
    second = validate_directory(data_dir, today=TODAY, cache_dir=own_cache)
    assert second.directory is not None and first.directory is not None
    assert list(second.directory.units) == list(first.directory.units)
    assert [r.to_record() for r in second.directory.referrals] == [
        r.to_record() for r in first.directory.referrals
    ]
    assert second.directory.warnings is second.warnings
    assert second.directory.referrals_from.keys() == first.directory.referrals_from.keys()
    assert second.directory.contact_unit == first.directory.contact_unit
    # a referral's unit ids are the units' own strings again, not copies from another part
    for referral in second.directory.referrals:
        assert referral.from_ is second.directory.units[referral.from_].id
        assert referral.to is second.directory.units[referral.to].id


class _Parts:
    """A value that splits itself for the cache, as `Validation` does."""

    def __init__(self, parts: list[object]) -> None:
        self.parts = parts

    def cache_parts(self) -> list[object]:
        return self.parts

    @classmethod
    def from_cache_parts(cls, parts) -> _Parts:  # noqa: ANN001
        return cls(list(parts))


def test_each_part_has_its_own_memo_and_goes_to_the_file_as_it_is_written(
    tmp_path: Path, monkeypatch
) -> None:
    shared = ["the same list in both parts"]
    big = [bytes([i]) * 300_000 for i in range(2)]
    writes: list[int] = []
    real_write = cache_mod._SigningWriter.write

    def spy(self, data: bytes) -> int:  # noqa: ANN001
        writes.append(len(data))
        return real_write(self, data)

    monkeypatch.setattr(cache_mod._SigningWriter, "write", spy)
    cache = DiskCache(tmp_path / "cache")
    cache.store("two", _Parts([[shared, big[0]], [shared, big[1]]]))
    loaded = cache.load("two")
    assert isinstance(loaded, _Parts)
    (first, one), (second, two) = loaded.parts
    assert (one, two) == (big[0], big[1])
    assert first == second == shared
    assert first is not second  # the second part did not point into the first one's memo
    # written as it was pickled: no write holds the whole pickle
    assert sum(writes) > 600_000 and max(writes) < 400_000


def test_every_part_is_verified_before_any_is_unpickled(tmp_path: Path) -> None:
    marker = tmp_path / "marker"
    cache = DiskCache(tmp_path / "cache")
    cache.store("trap", _Parts([_Trap(marker), b"x" * 200_000]))
    entry = tmp_path / "cache" / "trap.pickle"
    blob = entry.read_bytes()
    entry.write_bytes(blob[:-1] + bytes([blob[-1] ^ 1]))  # the last part is damaged
    assert cache.load("trap") is None
    assert not marker.exists()  # the first part, intact, was not unpickled either
    entry.write_bytes(blob)
    assert isinstance(cache.load("trap"), _Parts)
    assert marker.read_text() == "unpickled"  # the control: an intact entry is unpickled


# -- issue 26 item 4: a shared cache folder could run code ---------------------------------
def test_a_folder_others_can_write_is_refused_and_the_app_works_without_it(
    data_dir: Path, own_cache: Path, capsys
) -> None:
    """Whoever can write in the folder can swap an entry or the key (an entry is a pickle)."""
    own_cache.mkdir(mode=0o700)
    os.chmod(own_cache, 0o777)
    result = validate_directory(data_dir, today=TODAY, cache_dir=own_cache)
    assert result.ok
    assert list(own_cache.iterdir()) == []  # no key, no entry
    assert capsys.readouterr().err == (
        f"landkort: cachen bruges ikke: cachemappen {own_cache} kan skrives af andre brugere "
        f"(mode 777): kør 'chmod 700 {own_cache}', eller sæt LANDKORT_CACHE til en mappe, som "
        "kun serverens bruger kan skrive i\n"
    )


def test_a_folder_another_user_owns_is_refused(
    data_dir: Path, own_cache: Path, capsys, monkeypatch: pytest.MonkeyPatch
) -> None:
    own_cache.mkdir(mode=0o700)
    owner = own_cache.stat().st_uid
    monkeypatch.setattr(os, "getuid", lambda: owner + 4242)  # the server runs as someone else
    assert validate_directory(data_dir, today=TODAY, cache_dir=own_cache).ok
    assert list(own_cache.iterdir()) == []
    assert capsys.readouterr().err == (
        f"landkort: cachen bruges ikke: cachemappen {own_cache} ejes af en anden bruger (uid "
        f"{owner}): sæt LANDKORT_CACHE til en mappe, som serverens egen bruger ejer, eller slå "
        "cachen fra med LANDKORT_CACHE=off\n"
    )


def test_a_key_swapped_for_a_link_after_the_check_is_never_read(
    own_cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The race: the key was checked (lstat) and then read again by its path, so a link
    swapped in between won, and the attacker's key signed the pickles."""
    DiskCache(own_cache).secret()  # the install's key exists
    key = own_cache / "secret.key"
    mine = key.read_bytes()
    theirs = tmp_path / "attacker.key"
    theirs.write_bytes(b"A" * 32)
    os.chmod(theirs, 0o600)
    swapped: list[str] = []

    def swap_after(check):
        def checked(target, *args, **kwargs):
            result = check(target, *args, **kwargs)
            if not swapped and (isinstance(target, int) or Path(target) == key):
                key.unlink()
                key.symlink_to(theirs)  # between the check and the read
                swapped.append("now")
            return result

        return checked

    monkeypatch.setattr(os, "lstat", swap_after(os.lstat))
    monkeypatch.setattr(os, "fstat", swap_after(os.fstat))
    secret = DiskCache(own_cache).secret()
    assert swapped and key.is_symlink()
    assert secret == mine != theirs.read_bytes()
    monkeypatch.undo()
    with pytest.raises(OSError, match="er ikke en almindelig fil: slet den"):
        DiskCache(own_cache).secret()  # the link itself is refused next time
