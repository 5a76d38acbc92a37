"""Scoring plain files with no corpus: a reference file (and its source) held as a corpus in memory.

``bilingual eval --ref en.txt --hyp out.txt [--src ko.txt]`` reads each file
the way the ``sacrebleu`` command does (lines split at ``\\n``, trailing
whitespace of each line removed, empty lines kept as empty segments), so its
scores are sacrebleu's for the same files. The reference becomes a one-article,
sentence-level :class:`~bilingual.corpus.folder.Corpus` named after the
reference file; without a source file the source side is empty strings (the
metrics do not read it; the term success rate and ``--model`` need it).
"""

from __future__ import annotations

from pathlib import Path

from bilingual.corpus.folder import Article, Corpus, CorpusInfo
from bilingual.errors import InputError
from bilingual.text.encoding import read_text

ARTICLE_ID = "segments"


def read_lines(path: str | Path, what: str) -> list[str]:
    """The segments of a one-segment-a-line file, as sacrebleu reads them (InputError for an empty file)."""
    text = read_text(path, what=what)
    if text.endswith("\n"):
        text = text[:-1]
    return [line.rstrip() for line in text.split("\n")]


def plain_corpus(ref: str | Path, src: str | Path | None, *, source_lang: str, target_lang: str) -> Corpus:
    """The reference file (and the source file, when given) as a corpus; InputError when their line counts differ."""
    ref = Path(ref)
    refs = read_lines(ref, "--ref")
    if src is not None:
        sources = read_lines(src, "--src")
        if len(sources) != len(refs):
            raise InputError(
                f"--src {src} has {len(sources)} lines but --ref {ref} has {len(refs)}; they must match line for line"
            )
    else:
        sources = [""] * len(refs)
    info = CorpusInfo(
        name=ref.name,
        title=f"reference file {ref}",
        languages=(source_lang, target_lang),
        original=source_lang,
        granularity="sentence",
        licence="",
        source=str(ref),
        attribution="",
    )
    article = Article(ARTICLE_ID, {source_lang: tuple(sources), target_lang: tuple(refs)}, (0,))
    return Corpus(info, (article,), None)


def read_plain_hypotheses(path: str | Path, corpus: Corpus, what: str = "--hyp") -> list[str]:
    """A system output file scored against :func:`plain_corpus`'s reference: one line per reference line."""
    if Path(path).is_dir():
        raise InputError(f"{what} {path} is a folder; with --ref, give a file with one segment a line")
    lines = read_lines(path, what)
    if len(lines) != len(corpus):
        raise InputError(
            f"{what} {path} has {len(lines)} lines but --ref {corpus.info.source} has {len(corpus)}; "
            "they must match line for line"
        )
    return lines


__all__ = ["ARTICLE_ID", "plain_corpus", "read_lines", "read_plain_hypotheses"]
