"""What ``bilingual serve`` serves, without HTTP: models, glossaries, translating, glossary edits.

:class:`Service` loads each configured direction's engine once, puts a
:class:`~bilingual.serve.batching.Batcher` in front of it, and reads the
glossaries (each by its file's stem as its name; with no name asked for, all
of them combined, later files overriding earlier ones, as ``--glossary`` does
on the command line). Its ``translate_*`` methods run the ordinary
:class:`~bilingual.translation.pipeline.Translator` (segmentation, glossary
enforcement, retries, checks) in a worker thread; only the engine calls go
through the batcher. Glossary edits go through :mod:`bilingual.glossary.edit`
(a file lock, a re-read, an atomic replace) and then reload that glossary.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields
from html.parser import HTMLParser
from pathlib import Path
from typing import TYPE_CHECKING

from bilingual.engines.base import GenerationOptions
from bilingual.errors import GlossaryError, InputError
from bilingual.serve.batching import WHOLE_REQUEST, Batcher, BatchedEngine

if TYPE_CHECKING:
    from bilingual.document import Document
    from bilingual.glossary.terms import Glossary
    from bilingual.translation.pipeline import Translator
    from bilingual.translation.report import TranslationResult

Direction = tuple[str, str]
WARM_UP = {"ko": "서울시는 버스 요금을 올린다고 밝혔다. 시민들은 반대했다.", "en": "Seoul said it would raise fares. People objected."}
ALL_DIRECTIONS: tuple[Direction, ...] = (("ko", "en"), ("en", "ko"))


@dataclass
class ServeConfig:
    """Everything ``bilingual serve`` takes (see docs/serve.md)."""

    models: dict[Direction, str | None] = field(default_factory=lambda: {d: None for d in ALL_DIRECTIONS})
    glossaries: list[Path] = field(default_factory=list)
    engine: str | None = None
    engine_options: dict[str, str] = field(default_factory=dict)
    device: str = "cpu"
    threads: int | None = None
    compute_type: str | None = None
    revision: str | None = None
    beams: int = 4
    max_length: int = 512
    batch_size: int = 16
    wait_ms: float = 5.0
    cross_request: bool = True
    char_limit: int = 20_000  # characters of text per request (LibreTranslate's --char-limit; 400 past it)
    batch_limit: int = 256  # texts in one q array (LibreTranslate's --batch-limit)
    max_body: int = 2 * 1024 * 1024  # bytes of request body (413 past it)
    queue_size: int = 4096  # segments waiting for the engine (429 past it)
    max_requests: int = 256  # translation requests in progress at once (429 past it)
    api_keys: Path | None = None

    def to_dict(self) -> dict:
        """The config as JSON-ready values (for ``--workers``: each worker process reads it back)."""
        out = {f.name: getattr(self, f.name) for f in fields(self)}
        out["models"] = {f"{s}-{t}": model for (s, t), model in self.models.items()}
        out["glossaries"] = [str(path) for path in self.glossaries]
        out["api_keys"] = str(self.api_keys) if self.api_keys is not None else None
        return out

    @classmethod
    def from_dict(cls, data: Mapping) -> ServeConfig:
        """The config :meth:`to_dict` wrote."""
        values = dict(data)
        values["models"] = {tuple(key.split("-")): model for key, model in values["models"].items()}
        values["glossaries"] = [Path(path) for path in values["glossaries"]]
        values["api_keys"] = Path(values["api_keys"]) if values.get("api_keys") else None
        return cls(**values)


@dataclass
class Translated:
    """One translation request's outcome."""

    text: str
    result: TranslationResult | None
    shared: int  # most requests that shared one engine batch with this one


class _TextRuns(HTMLParser):
    """HTML cut into markup (kept) and text runs (translated); script and style content is kept."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.pieces: list[tuple[bool, str]] = []  # (translatable, text)
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        self.pieces.append((False, self.get_starttag_text() or ""))
        if tag in ("script", "style", "code", "pre"):
            self._skip += 1

    def handle_startendtag(self, tag, attrs):
        self.pieces.append((False, self.get_starttag_text() or ""))

    def handle_endtag(self, tag):
        self.pieces.append((False, f"</{tag}>"))
        if tag in ("script", "style", "code", "pre") and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        self.pieces.append((not self._skip and bool(data.strip()), data))

    def handle_entityref(self, name):
        self.pieces.append((False, f"&{name};"))

    def handle_charref(self, name):
        self.pieces.append((False, f"&#{name};"))

    def handle_comment(self, data):
        self.pieces.append((False, f"<!--{data}-->"))

    def handle_decl(self, decl):
        self.pieces.append((False, f"<!{decl}>"))

    def handle_pi(self, data):
        self.pieces.append((False, f"<?{data}>"))


class Service:
    """The loaded models and glossaries of one server process."""

    def __init__(self, config: ServeConfig) -> None:
        from bilingual.engines import load_engine

        self.config = config
        for flag, value in (("--beams", config.beams), ("--batch-size", config.batch_size), ("--max-length", config.max_length)):
            if value < 1:
                raise InputError(f"{flag} must be at least 1 (got {value})")
        self._glossary_lock = threading.Lock()
        self.glossary_files: dict[str, Path] = {}
        for path in config.glossaries:
            name = Path(path).stem
            if name in self.glossary_files:
                raise InputError(f"two glossaries named {name!r} ({self.glossary_files[name]}, {path}); rename one")
            self.glossary_files[name] = Path(path)
        self._glossaries: dict[str | None, Glossary] = {}
        self._enforcers: dict[tuple[str | None, Direction], object] = {}
        self._reload_glossaries()
        self.engines = {}
        from bilingual.models.registry import default_model

        for direction, model in config.models.items():
            source, target = direction
            self.engines[direction] = load_engine(
                model or default_model(source, target), source_lang=source, target_lang=target,
                engine=config.engine, device=config.device, threads=config.threads, revision=config.revision,
                compute_type=config.compute_type, engine_options=config.engine_options,
            )  # fmt: skip
        self.batchers: dict[Direction, Batcher] = {}
        self._proxies: dict[Direction, BatchedEngine] = {}
        self._warm_up()

    def _warm_up(self) -> None:
        """One sample sentence through each direction's pipeline before serving: the sentence splitter's
        analyser (seconds to build, holding the interpreter) and the engine's first-call allocations load now,
        not under the first requests."""
        from bilingual.formats.text import parse_text
        from bilingual.translation.pipeline import Translator

        for direction, engine in self.engines.items():
            options = GenerationOptions(beams=1, max_length=8, batch_size=1)
            doc = parse_text(WARM_UP[direction[0]], headline=False)
            Translator(engine, enforcer=self._enforcer(None, direction), options=options).translate_documents([doc])

    # life -------------------------------------------------------------------

    def start(self) -> None:
        """Start the batchers on the running event loop."""
        for direction, engine in self.engines.items():
            batcher = Batcher(
                engine, batch_size=self.config.batch_size, wait_ms=self.config.wait_ms,
                cross_request=self.config.cross_request, max_waiting=self.config.queue_size,
            )  # fmt: skip
            batcher.start()
            self.batchers[direction] = batcher
            self._proxies[direction] = BatchedEngine(batcher)

    async def stop(self) -> None:
        for batcher in self.batchers.values():
            await batcher.stop()

    @property
    def directions(self) -> list[Direction]:
        return list(self.engines)

    # glossaries ---------------------------------------------------------------

    def _reload_glossaries(self) -> None:
        from bilingual.glossary import load_glossaries, load_glossary

        loaded: dict[str | None, Glossary] = {name: load_glossary(path) for name, path in self.glossary_files.items()}
        if self.glossary_files:
            loaded[None] = load_glossaries(list(self.glossary_files.values()))
        self._glossaries = loaded
        self._enforcers = {}

    def glossary(self, name: str | None) -> Glossary | None:
        """The glossary called ``name`` (None: all combined; None too when none is configured)."""
        if name is not None and name not in self.glossary_files:
            known = ", ".join(self.glossary_files) or "none is configured"
            raise InputError(f"unknown glossary {name!r} (glossaries: {known})")
        return self._glossaries.get(name)

    def _enforcer(self, name: str | None, direction: Direction):
        with self._glossary_lock:
            key = (name, direction)
            if key not in self._enforcers:
                glossary = self.glossary(name)
                enforcer = None
                if glossary is not None:
                    from bilingual.glossary.enforce import Enforcer

                    enforcer = Enforcer(glossary, *direction)
                self._enforcers[key] = enforcer
            return self._enforcers[key]

    def edit_glossary(self, name: str, action: str, fields: Mapping[str, str]) -> dict:
        """Add, set or remove one term of glossary ``name`` through the locked, atomic glossary code; the row after."""
        from bilingual.glossary import edit
        from bilingual.glossary.io import split_field
        from bilingual.glossary.terms import Term

        if name not in self.glossary_files:
            self.glossary(name)  # the error naming the glossaries
        path = self.glossary_files[name]
        korean = (fields.get("korean") or "").strip()
        english = (fields.get("english") or "").strip() or None
        if not korean:
            raise GlossaryError("korean must not be empty")
        if action == "add":
            term = Term(
                korean=korean, english=english or "", korean_forms=split_field(fields.get("korean_forms") or ""),
                wrong_english=split_field(fields.get("wrong_english") or ""), kind=fields.get("kind") or "other",
                status=fields.get("status") or "approved", note=fields.get("note") or "",
            )  # fmt: skip
            changed = edit.add_term(path, term)
        elif action == "remove":
            changed = edit.remove_term(path, korean, english)
        elif action == "set":
            field_name = fields.get("field") or ""
            changed = edit.set_field(
                path, korean, field_name, fields.get("value") or "", english=english, expected=fields.get("expected")
            )
        else:
            raise InputError(f"unknown glossary action {action!r}; use add, set or remove")
        with self._glossary_lock:
            self._reload_glossaries()
        return term_dict(changed)

    def search_glossary(self, name: str, query: str = "", limit: int = 200) -> list[dict]:
        """Rows of glossary ``name`` whose Korean, English or forms hold ``query`` (all rows for an empty one)."""
        glossary = self.glossary(name)
        query = query.strip().casefold()
        rows = []
        for term in glossary.terms if glossary is not None else []:
            hay = " ".join((term.korean, term.english, *term.korean_forms, *term.wrong_english, term.note)).casefold()
            if query in hay:
                rows.append(term_dict(term))
                if len(rows) >= limit:
                    break
        return rows

    # translating (worker threads) ---------------------------------------------

    def translator(self, direction: Direction, glossary: str | None) -> Translator:
        from bilingual.translation.pipeline import Translator

        if direction not in self._proxies:
            served = ", ".join(f"{s}->{t}" for s, t in self.directions)
            raise InputError(f"{direction[0]}->{direction[1]} is not served here (served: {served})")
        options = GenerationOptions(beams=self.config.beams, max_length=self.config.max_length, batch_size=WHOLE_REQUEST)
        return Translator(self._proxies[direction], enforcer=self._enforcer(glossary, direction), options=options)

    def translate_documents(self, docs: Sequence[Document], direction: Direction, glossary: str | None) -> tuple[TranslationResult, int]:
        translator = self.translator(direction, glossary)
        proxy = self._proxies[direction]
        proxy.reset_shared()
        result = translator.translate_documents(docs)
        return result, proxy.shared

    def translate_text(self, text: str, direction: Direction, glossary: str | None = None, fmt: str = "text") -> Translated:
        """One ``q`` of ``/translate``: plain text (its line breaks kept) or HTML (markup kept)."""
        if not text.strip():
            return Translated(text, None, 1)
        if fmt == "html":
            return self._translate_html(text, direction, glossary)
        from bilingual.formats.text import parse_text, render_text

        doc = parse_text(text, headline=False)
        result, shared = self.translate_documents([doc], direction, glossary)
        return Translated(render_text(result.documents[0]), result, shared)

    def _translate_html(self, html: str, direction: Direction, glossary: str | None) -> Translated:
        from bilingual.formats.text import parse_text, render_text

        runs = _TextRuns()
        runs.feed(html)
        runs.close()
        docs = [parse_text(text, headline=False) for translatable, text in runs.pieces if translatable]
        if not docs:
            return Translated(html, None, 1)
        result, shared = self.translate_documents(docs, direction, glossary)
        rendered = iter(render_text(doc) for doc in result.documents)
        return Translated("".join(next(rendered) if t else text for t, text in runs.pieces), result, shared)


def term_dict(term) -> dict:
    return {
        "korean": term.korean,
        "english": term.english,
        "korean_forms": list(term.korean_forms),
        "wrong_english": list(term.wrong_english),
        "kind": term.kind,
        "status": term.status,
        "note": term.note,
        "line": term.line,
    }
