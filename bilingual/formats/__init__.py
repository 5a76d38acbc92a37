"""Reading and writing articles in every format bilingual knows.

- :data:`FORMAT_SPECS` lists the formats: a name, its file extensions and
  aliases, and the module that reads and writes it (each such module has
  ``parse(data, *, id, name) -> list[Document]`` and
  ``render(doc) -> str | bytes``);
- :func:`read_inputs` reads a file, a folder (every file with a known
  extension inside, recursively, in sorted order) or "-" (stdin) into Documents;
- :func:`parse` turns the text (or, for raw formats, the bytes) of one format
  into Documents;
- :func:`render` writes one Document back (translations where present, the
  source otherwise; an untranslated Document renders to its input);
- :func:`write_outputs` writes Documents to stdout, a file or a folder that
  mirrors the input's relative paths (:func:`plan_outputs` checks that
  beforehand). Text formats are written as UTF-8.
"""

from __future__ import annotations

import importlib
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from bilingual.document import Document
from bilingual.text.encoding import decode, read_bytes, read_text
from bilingual.errors import InputError

if TYPE_CHECKING:
    from bilingual.outputs import RunJournal

__all__ = [
    "EXTENSIONS",
    "FORMATS",
    "FORMAT_SPECS",
    "FormatSpec",
    "format_for_path",
    "format_spec",
    "normalize_format",
    "output_folder",
    "parse",
    "plan_outputs",
    "read_inputs",
    "render",
    "render_documents",
    "write_outputs",
]


@dataclass(frozen=True)
class FormatSpec:
    """One article format: its name, file extensions, other names, and its module.

    ``raw`` formats get the file's bytes (their module decodes them, as XML
    and DOCX readers must) and may render bytes; they write one Document per
    file. Other formats get text decoded by :mod:`bilingual.text.encoding`.
    """

    name: str
    extensions: tuple[str, ...]
    aliases: tuple[str, ...]
    module: str
    raw: bool = False


FORMAT_SPECS: tuple[FormatSpec, ...] = (
    FormatSpec("txt", (".txt",), ("text", "plain"), "bilingual.formats.text"),
    FormatSpec("md", (".md", ".markdown"), ("markdown",), "bilingual.formats.markdown"),
    FormatSpec("jsonl", (".jsonl",), ("json-lines", "jsonlines", "ndjson"), "bilingual.formats.jsonl"),
    FormatSpec("xliff", (".xlf", ".xliff"), ("xlf", "xliff2"), "bilingual.formats.xliff", raw=True),
    FormatSpec("po", (".po", ".pot"), ("pot", "gettext"), "bilingual.formats.po", raw=True),
    FormatSpec("html", (".html", ".htm"), ("htm", "xhtml"), "bilingual.formats.html", raw=True),
    FormatSpec("docx", (".docx",), ("word",), "bilingual.formats.docx", raw=True),
)

FORMATS = tuple(spec.name for spec in FORMAT_SPECS)
EXTENSIONS = {ext: spec.name for spec in FORMAT_SPECS for ext in spec.extensions}
_SPECS = {spec.name: spec for spec in FORMAT_SPECS}
_ALIASES = {alias: spec.name for spec in FORMAT_SPECS for alias in (spec.name, *spec.aliases)}
_STDIN = "-"


def normalize_format(format: str) -> str:
    """The name in :data:`FORMATS` of a format name or alias; InputError otherwise."""
    key = format.strip().lower().lstrip(".")
    if key not in _ALIASES:
        raise InputError(f"unknown format {format!r}: use {', '.join(FORMATS)}")
    return _ALIASES[key]


def format_spec(format: str) -> FormatSpec:
    """The :class:`FormatSpec` of a format name or alias; InputError otherwise."""
    return _SPECS[normalize_format(format)]


def format_for_path(path: str | Path) -> str:
    """The format a file's extension names; plain text for any other extension."""
    return EXTENSIONS.get(Path(path).suffix.lower(), "txt")


def parse(data: str | bytes, format: str, *, id: str | None = None, name: str | None = None) -> list[Document]:
    """Documents in ``data``: one for most formats, one per line for jsonl.

    ``data`` is text, or bytes for a raw format (bytes given for a text format
    are decoded as files are). ``id`` names the document or, for jsonl, the
    input in ids of records without an "id". ``name`` (default: ``id``)
    names the input in error messages.
    """
    spec = format_spec(format)
    label = name or id or "<input>"
    if isinstance(data, bytes) and not spec.raw:
        data = decode(data, name=label)
    elif isinstance(data, str) and spec.raw:
        data = data.encode("utf-8")
    docs: list[Document] = importlib.import_module(spec.module).parse(data, id=id, name=label)
    return docs


def render(doc: Document) -> str | bytes:
    """The Document written in its own format (bytes for some raw formats)."""
    content: str | bytes = importlib.import_module(format_spec(doc.format).module).render(doc)
    return content


def read_inputs(
    path: str | Path, *, format: str | None = None, encoding: str | None = None
) -> list[Document]:
    """Documents from a file, a folder of article files, or "-" for stdin.

    Each Document's ``meta`` records ``source`` (the file, or "<stdin>") and
    ``relpath`` (its path relative to the folder given, or its file name),
    which :func:`write_outputs` mirrors.
    """
    fmt = normalize_format(format) if format is not None else None
    if str(path) == _STDIN:
        if fmt is not None and _SPECS[fmt].raw:
            data = read_bytes(_STDIN, stdin=True)
            return _tag(parse(data, fmt, id="stdin", name="<stdin>"), "<stdin>", None)
        text = read_text(_STDIN, encoding=encoding, stdin=True)
        _check_has_text(text, "<stdin>")
        return _tag(parse(text, fmt or _sniff_format(text), id="stdin"), "<stdin>", None)
    root = Path(path)
    if root.is_dir():
        files = _article_files(root)
        if not files:
            raise InputError(
                f"{root}: no article files ({', '.join(EXTENSIONS)}) in this folder"
            )
        docs: list[Document] = []
        for file in files:
            rel = file.relative_to(root)
            docs.extend(_read_file(file, rel, fmt, encoding))
        return docs
    if not root.exists():
        raise InputError(f"{root}: no such file or folder")
    if not root.is_file():
        raise InputError(f"{root}: not a regular file or folder")
    return _read_file(root, Path(root.name), fmt, encoding)


def write_outputs(docs: list[Document], output: Path | str | None, *, journal: RunJournal | None = None) -> list[Path]:
    """Write rendered Documents; returns the files written (none for stdout).

    Where each Document goes is decided by :func:`plan_outputs` (call it
    before a long translation to fail early). Each file is written
    atomically; a ``journal`` (see :class:`bilingual.outputs.RunJournal`)
    records each one as it is written and is finished after the last.
    """
    written = []
    for target, group in plan_outputs(docs, output):
        content = render_documents(group)
        if target is None:
            _write_stdout(content)
        else:
            _write_file(target, content)
            written.append(target)
            if journal is not None:
                journal.wrote(target, group[0].meta.get("source"))
    if journal is not None:
        journal.finish()
    return written


def plan_outputs(docs: list[Document], output: Path | str | None) -> list[tuple[Path | None, list[Document]]]:
    """The output file (None: stdout) of each group of Documents, or InputError.

    ``output`` None writes to stdout. An existing folder, a path ending in a
    separator, or a new path without a suffix (``out``, not ``out.txt``) for
    Documents read from files is a folder: each input file's Documents go to
    the same relative path and name inside it. Anything else is one file, which
    takes several Documents only when they are all JSON Lines. An output is
    never one of the input files.
    """
    if output is None:
        _check_single_target(docs, "stdout")
        return [(None, list(docs))]
    out = Path(output)
    if output_folder(docs, output) is None:
        _check_single_target(docs, str(out))
        _check_not_input(docs, out)
        return [(out, list(docs))]
    if out.exists() and not out.is_dir():
        raise InputError(f"{out}: not a folder, but several input files need a folder as output")
    grouped: dict[Path, list[Document]] = {}
    for index, doc in enumerate(docs):
        grouped.setdefault(out / _relpath_for(doc, index), []).append(doc)
    for target, group in grouped.items():
        _check_not_input(group, target)
    return list(grouped.items())


def output_folder(docs: list[Document], output: Path | str | None) -> Path | None:
    """The folder :func:`plan_outputs` writes ``docs`` into, or None when ``output`` is one file or stdout."""
    if output is None:
        return None
    out = Path(output)
    from_files = bool(docs) and all(d.meta.get("relpath") for d in docs)
    is_folder = (
        out.is_dir()
        or str(output).endswith((os.sep, "/"))
        or (not out.exists() and not out.suffix and from_files)
    )
    return out if is_folder else None


def render_documents(group: list[Document]) -> str | bytes:
    """The content of one output file holding ``group`` (several Documents only for JSON Lines)."""
    parts = [render(d) for d in group]
    if len(parts) == 1:
        return parts[0]
    return "".join(p if isinstance(p, str) else p.decode("utf-8") for p in parts)


def _write_stdout(content: str | bytes) -> None:
    data = content.encode("utf-8") if isinstance(content, str) else content
    stream = getattr(sys.stdout, "buffer", None)
    if stream is not None:
        sys.stdout.flush()
        stream.write(data)
        stream.flush()
    else:
        sys.stdout.write(data.decode("utf-8", "replace"))


def _read_file(file: Path, rel: Path, fmt: str | None, encoding: str | None) -> list[Document]:
    file_format = fmt or format_for_path(file)
    data: str | bytes
    if _SPECS[file_format].raw:
        data = read_bytes(file)
    else:
        data = read_text(file, encoding=encoding)
        _check_has_text(data, str(file))
    doc_id = rel.with_suffix("").as_posix() if file_format != "jsonl" else str(file)
    docs = parse(data, file_format, id=doc_id, name=str(file))
    if not docs:
        raise InputError(f"{file}: no articles in this file")
    return _tag(docs, str(file), rel.as_posix())


def _tag(docs: list[Document], source: str, relpath: str | None) -> list[Document]:
    for doc in docs:
        doc.meta["source"] = source
        doc.meta["relpath"] = relpath
    return docs


def _check_has_text(text: str, name: str) -> None:
    if not text.strip():
        raise InputError(f"{name} contains only whitespace")


def _sniff_format(text: str) -> str:
    first = next((line for line in text.splitlines() if line.strip()), "")
    return "jsonl" if first.lstrip().startswith("{") else "txt"


def _article_files(root: Path) -> list[Path]:
    files = []
    for file in root.rglob("*"):
        rel = file.relative_to(root)
        if any(part.startswith(".") for part in rel.parts):
            continue
        if file.suffix.lower() in EXTENSIONS and file.is_file():
            files.append(file)
    return sorted(files, key=lambda f: f.relative_to(root).as_posix())


def _check_single_target(docs: list[Document], target: str) -> None:
    if len(docs) > 1 and any(normalize_format(d.format) != "jsonl" for d in docs):
        # every format but JSON Lines holds one article per file
        raise InputError(
            f"{len(docs)} documents cannot be written to one file ({target}): "
            "give a folder as output (-o FOLDER/), or use JSON Lines"
        )


def _relpath_for(doc: Document, index: int) -> Path:
    rel = doc.meta.get("relpath")
    if rel:
        return Path(rel)
    ext = format_spec(doc.format).extensions[0]
    stem = (doc.id or f"document-{index + 1}").replace("/", "_").replace(os.sep, "_")
    return Path(stem + ext)


def _check_not_input(docs: list[Document], target: Path) -> None:
    from bilingual.outputs import check_outputs

    sources = dict.fromkeys(d.meta.get("source") for d in docs if d.meta.get("source") != "<stdin>")
    check_outputs([("the input", source) for source in sources], [("the output", target)])


def _write_file(target: Path, content: str | bytes) -> None:
    from bilingual.outputs import write_atomic

    write_atomic(target, content)
