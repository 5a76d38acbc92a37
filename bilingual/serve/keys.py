"""API keys for ``bilingual serve --api-keys FILE``, and per-key request rate limits.

The file has one key per line: ``KEY [REQUESTS_PER_MINUTE] [editor]``, fields
separated by white space; ``#`` starts a comment. A key without a number may
make :data:`DEFAULT_PER_MINUTE` requests a minute; ``editor`` also lets it
edit glossaries. A key is compared with every configured key in constant
time (:func:`hmac.compare_digest`), and never logged or shown: a key is named
in messages by its line number only, and in the access log by :attr:`ApiKey.id`
(the first 12 hex digits of its SHA-256).
"""

from __future__ import annotations

import hashlib
import hmac
import threading
import time
from collections import deque
from dataclasses import dataclass
from pathlib import Path

from bilingual.errors import InputError

DEFAULT_PER_MINUTE = 60
WINDOW_S = 60.0


@dataclass(frozen=True)
class ApiKey:
    secret: str
    per_minute: int = DEFAULT_PER_MINUTE
    editor: bool = False
    line: int = 0

    @property
    def id(self) -> str:
        """What names the key in the access log: the first 12 hex digits of its SHA-256, never the key."""
        return hashlib.sha256(self.secret.encode("utf-8")).hexdigest()[:12]

    def __repr__(self) -> str:  # never shows the secret
        return f"ApiKey(line={self.line}, per_minute={self.per_minute}, editor={self.editor})"


def parse_keys(text: str, *, source: str = "<keys>") -> list[ApiKey]:
    """The keys of a keys file's text; InputError naming the line of a malformed one."""
    keys: list[ApiKey] = []
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        secret, *rest = line.split()
        per_minute, editor = DEFAULT_PER_MINUTE, False
        for field in rest:
            if field == "editor":
                editor = True
            elif field.isdigit() and int(field) > 0:
                per_minute = int(field)
            else:
                raise InputError(f"{source}:{number}: expected KEY [REQUESTS_PER_MINUTE] [editor], not {field!r} after the key")
        if len(secret) < 8:
            raise InputError(f"{source}:{number}: a key must have at least 8 characters")
        keys.append(ApiKey(secret, per_minute, editor, number))
    if not keys:
        raise InputError(f"{source}: no API keys in the file")
    return keys


def load_keys(path: str | Path) -> list[ApiKey]:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(f"{path}: cannot read the API keys file: {exc.strerror or exc}") from None
    return parse_keys(text, source=str(path))


class KeyRing:
    """The configured keys with a sliding one-minute window of requests per key."""

    def __init__(self, keys: list[ApiKey]) -> None:
        self.keys = list(keys)
        self._seen: dict[int, deque[float]] = {}
        self._lock = threading.Lock()

    def lookup(self, given: str | None) -> ApiKey | None:
        """The key equal to ``given`` (every key compared, in constant time each), or None."""
        if not given:
            return None
        wanted = given.encode("utf-8", "surrogatepass")
        found = None
        for key in self.keys:
            if hmac.compare_digest(key.secret.encode("utf-8"), wanted):
                found = key
        return found

    def admit(self, key: ApiKey, now: float | None = None) -> float:
        """0 when ``key`` may make a request now (and counts it); else the seconds until it may."""
        now = time.monotonic() if now is None else now
        with self._lock:
            seen = self._seen.setdefault(key.line, deque())
            while seen and seen[0] <= now - WINDOW_S:
                seen.popleft()
            if len(seen) >= key.per_minute:
                return max(0.001, seen[0] + WINDOW_S - now)
            seen.append(now)
            return 0.0
