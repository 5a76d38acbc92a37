"""The translation memory: approved segment pairs in one SQLite file.

One table (docs/memory.md has the schema and every query, so that a server
database can take SQLite's place)::

    entries(id, source_lang, target_lang, source, target, source_hash, origin, note, created)
    UNIQUE (source_lang, target_lang, source_hash, target)   -- also the index exact lookups use

``source_hash`` is the SHA-256 (first 32 hex digits) of
:func:`bilingual.memory.fuzzy.exact_key` of the source: the same sentence
with other spacing is the same entry, and the index stays small however
long the sentence. A pair stored twice is
stored once; a source with several targets keeps them all, and lookups give
the newest (the last approval wins). The file is opened in WAL mode with a
busy timeout, and every write is one ``BEGIN IMMEDIATE`` transaction, so two
processes adding at once both land. ``PRAGMA user_version`` holds the schema
version (2; a version 1 file, which kept the whole exact key instead of its
hash, is upgraded in place when opened).

Lookups: an exact match (the same exact key) scores 100; otherwise the
fuzzy index (:class:`bilingual.memory.fuzzy.FuzzyIndex`, built on first use
from the sources of the language pair) gives the best source at or above the
threshold, scored 0-99 (a fuzzy match is never called exact, even when only
spacing or particles differ). A fuzzy match whose numbers differ from the
query's is not given: "3 billion won" must never come back as "4 billion won".
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from types import TracebackType

from bilingual.errors import InputError
from bilingual.memory.fuzzy import FuzzyIndex, exact_key, numbers
from bilingual.text.language import check_language

__all__ = ["SCHEMA_VERSION", "TMEntry", "TMMatch", "TranslationMemory", "normalize_lang", "source_hash"]

SCHEMA_VERSION = 2
_SQLITE_MAGIC = b"SQLite format 3\x00"
_SCHEMA = """
CREATE TABLE IF NOT EXISTS entries (
    id INTEGER PRIMARY KEY,
    source_lang TEXT NOT NULL,
    target_lang TEXT NOT NULL,
    source TEXT NOT NULL,
    target TEXT NOT NULL,
    source_hash TEXT NOT NULL,
    origin TEXT NOT NULL DEFAULT '',
    note TEXT NOT NULL DEFAULT '',
    created TEXT NOT NULL,
    UNIQUE (source_lang, target_lang, source_hash, target)
);
"""
_FIELDS = "source, target, source_lang, target_lang, origin, note"
_PAGE = 10_000  # rows read at a time by entries()


def source_hash(text: str) -> str:
    """The key exact lookups use: SHA-256 of the source's :func:`exact_key`, first 32 hex digits."""
    return hashlib.sha256(exact_key(text).encode("utf-8")).hexdigest()[:32]


def normalize_lang(code: str, *, where: str = "") -> str:
    """``ko`` for ``ko``, ``KO``, ``ko-KR`` or ``ko_KR`` (likewise ``en``); InputError for other languages."""
    primary = code.strip().replace("_", "-").split("-", 1)[0].lower()
    return check_language(primary, where=where)


def _upgrade(db: sqlite3.Connection, version: int, name: str) -> None:
    """Bring an older memory file to this schema, in one transaction."""
    if version != 1:
        raise InputError(f"{name}: unknown schema version {version}")
    db.execute("BEGIN IMMEDIATE")
    try:
        if db.execute("PRAGMA user_version").fetchone()[0] == 1:  # not upgraded by another process meanwhile
            rows = db.execute(
                "SELECT id, source_lang, target_lang, source, target, origin, note, created FROM entries ORDER BY id"
            ).fetchall()
            db.execute("ALTER TABLE entries RENAME TO entries_v1")
            db.execute(_SCHEMA.replace("CREATE TABLE IF NOT EXISTS", "CREATE TABLE"))  # executescript would commit
            db.executemany(
                "INSERT OR IGNORE INTO entries (id, source_lang, target_lang, source, target, source_hash, origin, note,"
                " created) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [(i, s, t, src, tgt, source_hash(src), o, n, c) for i, s, t, src, tgt, o, n, c in rows],
            )
            db.execute("DROP TABLE entries_v1")
            db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        db.execute("COMMIT")
    except BaseException:
        db.execute("ROLLBACK")
        raise


@dataclass(frozen=True)
class TMEntry:
    """One approved pair. ``origin`` says where it came from (``tmx:FILE``, ``learn``, ``add``, ``corpus:NAME``)."""

    source: str
    target: str
    source_lang: str
    target_lang: str
    origin: str = ""
    note: str = ""


@dataclass(frozen=True)
class TMMatch:
    """A memory entry found for a query: ``score`` 100 for an exact match, else 0-99; ``kind`` "exact" or "fuzzy"."""

    entry: TMEntry
    score: float
    kind: str


class TranslationMemory:
    """A translation memory file (see the module text). Use :meth:`open`; a context manager."""

    def __init__(self, path: Path, connection: sqlite3.Connection) -> None:
        self.path = path
        self._db = connection
        self._indexes: dict[tuple[str, str], tuple[FuzzyIndex, list[int]]] = {}

    # opening -------------------------------------------------------------------

    @classmethod
    def open(cls, path: str | os.PathLike[str], *, create: bool = True) -> TranslationMemory:
        """Open (``create``: and create if missing) the memory at ``path``; InputError for anything else there."""
        file = Path(path)
        name = f"translation memory {file}"
        if file.is_dir():
            raise InputError(f"{name}: is a folder, not a file")
        exists = file.exists()
        if not exists and not create:
            raise InputError(f"{name}: no such file (bilingual tm import or tm add creates one)")
        if exists:
            try:
                with open(file, "rb") as handle:
                    head = handle.read(len(_SQLITE_MAGIC))
            except OSError as exc:
                raise InputError(f"{name}: cannot read ({exc.strerror or exc})") from None
            if head and head != _SQLITE_MAGIC:
                raise InputError(f"{name}: not a translation memory (not an SQLite file)")
        elif not file.parent.is_dir():
            raise InputError(f"{name}: no such folder {file.parent}")
        try:
            db = sqlite3.connect(file, timeout=30, isolation_level=None)
            db.execute("PRAGMA busy_timeout = 30000")
            version = db.execute("PRAGMA user_version").fetchone()[0]
            tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            if version > SCHEMA_VERSION:
                raise InputError(f"{name}: schema version {version} is newer than this bilingual's {SCHEMA_VERSION}")
            if tables and "entries" not in tables:
                raise InputError(f"{name}: an SQLite file, but not a translation memory (no entries table)")
            if not tables:
                if file.stat().st_size and not create:
                    raise InputError(f"{name}: an empty SQLite file, not a translation memory")
                db.execute("PRAGMA journal_mode = WAL")
                db.executescript(_SCHEMA)
                db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            elif version < SCHEMA_VERSION:
                _upgrade(db, version, name)
        except sqlite3.DatabaseError as exc:
            raise InputError(f"{name}: {exc}") from None
        return cls(file, db)

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> TranslationMemory:
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None, tb: TracebackType | None) -> None:
        self.close()

    # writing -------------------------------------------------------------------

    def add(self, entries: Iterable[TMEntry]) -> int:
        """Store ``entries`` (languages normalised, empty sides skipped); the number that were new."""
        rows = []
        now = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        for entry in entries:
            source, target = entry.source.strip(), entry.target.strip()
            if not source or not target:
                continue
            src, tgt = normalize_lang(entry.source_lang), normalize_lang(entry.target_lang)
            rows.append((src, tgt, source, target, source_hash(source), entry.origin, entry.note, now))
        if not rows:
            return 0
        try:
            self._db.execute("BEGIN IMMEDIATE")
            before = self._db.total_changes
            self._db.executemany(
                "INSERT OR IGNORE INTO entries (source_lang, target_lang, source, target, source_hash, origin, note, created)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                rows,
            )
            added = self._db.total_changes - before
            self._db.execute("COMMIT")
        except sqlite3.DatabaseError as exc:
            if self._db.in_transaction:
                self._db.execute("ROLLBACK")
            raise InputError(f"translation memory {self.path}: cannot write ({exc})") from None
        self._indexes.clear()
        return added

    # reading -------------------------------------------------------------------

    def __len__(self) -> int:
        return int(self._rows("SELECT COUNT(*) FROM entries")[0][0])

    def pairs(self) -> list[tuple[str, str, int]]:
        """``(source_lang, target_lang, entries)`` for each language pair held."""
        query = "SELECT source_lang, target_lang, COUNT(*) FROM entries GROUP BY source_lang, target_lang ORDER BY 1, 2"
        return [(s, t, n) for s, t, n in self._rows(query)]

    def entries(self, source_lang: str | None = None, target_lang: str | None = None) -> Iterator[TMEntry]:
        """Every entry (of one language pair when given), oldest first, read a page at a time."""
        where, args = ["id > ?"], []
        if source_lang:
            where.append("source_lang = ?")
            args.append(normalize_lang(source_lang))
        if target_lang:
            where.append("target_lang = ?")
            args.append(normalize_lang(target_lang))
        query = f"SELECT id, {_FIELDS} FROM entries WHERE {' AND '.join(where)} ORDER BY id LIMIT {_PAGE}"
        last = 0
        while page := self._rows(query, [last, *args]):
            for row in page:
                yield TMEntry(*row[1:])
            last = page[-1][0]

    def lookup(
        self, source: str, source_lang: str, target_lang: str, *, threshold: float = 85.0, limit: int = 1
    ) -> list[TMMatch]:
        """The best matches for ``source``: the exact one first (the newest target), then fuzzy ones at or above
        ``threshold``, at most ``limit``."""
        src, tgt = normalize_lang(source_lang), normalize_lang(target_lang)
        found: list[TMMatch] = []
        key = exact_key(source)
        exact = self._exact(key, src, tgt)
        if exact is not None:
            found.append(TMMatch(exact, 100.0, "exact"))
        if len(found) < limit:
            index, ids = self._index(src, tgt)
            wanted = numbers(source)
            for candidate in index.search(source, threshold=threshold, limit=limit + 1):
                entry = self._by_id(ids[candidate.position])
                if exact_key(entry.source) == key:
                    continue
                if numbers(entry.source) != wanted:
                    continue
                found.append(TMMatch(entry, min(candidate.score, 99.0), "fuzzy"))
        return found[:limit]

    def lookup_many(
        self, sources: Sequence[str], source_lang: str, target_lang: str, *, threshold: float = 85.0
    ) -> list[TMMatch | None]:
        """The best match of each source (see :meth:`lookup`), or None."""
        return [next(iter(self.lookup(s, source_lang, target_lang, threshold=threshold)), None) for s in sources]

    # internals -----------------------------------------------------------------

    def _rows(self, query: str, args: Sequence[object] = ()) -> list[tuple]:
        """The rows of one query; a damaged file is an InputError."""
        try:
            return self._db.execute(query, args).fetchall()
        except sqlite3.DatabaseError as exc:
            raise InputError(f"translation memory {self.path}: {exc}") from None

    def _exact(self, key: str, src: str, tgt: str) -> TMEntry | None:
        rows = self._rows(
            f"SELECT {_FIELDS} FROM entries WHERE source_lang = ? AND target_lang = ? AND source_hash = ?"
            " ORDER BY id DESC",
            (src, tgt, source_hash(key)),
        )
        return next((TMEntry(*row) for row in rows if exact_key(row[0]) == key), None)

    def _by_id(self, entry_id: int) -> TMEntry:
        return TMEntry(*self._rows(f"SELECT {_FIELDS} FROM entries WHERE id = ?", (entry_id,))[0])

    def _index(self, src: str, tgt: str) -> tuple[FuzzyIndex, list[int]]:
        """The fuzzy index of one language pair's distinct sources, and the newest entry id of each."""
        if (src, tgt) not in self._indexes:
            index, ids, where = FuzzyIndex(), [], {}
            rows = self._rows(
                "SELECT id, source_hash, source FROM entries WHERE source_lang = ? AND target_lang = ? ORDER BY id",
                (src, tgt),
            )
            for entry_id, digest, text in rows:
                if digest in where:
                    ids[where[digest]] = entry_id  # the newest entry of the sentence
                else:
                    where[digest] = index.add(text)
                    ids.append(entry_id)
            self._indexes[(src, tgt)] = (index, ids)
        return self._indexes[(src, tgt)]
