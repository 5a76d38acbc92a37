"""Archive scale: millions of articles in JSON Lines (plain, gzip, zstd) or Parquet, with bounded memory.

- :mod:`bilingual.archive.records`: the records of an archive file, read lazily, and rendered back
  (other keys and columns kept).
- :mod:`bilingual.archive.stream`: translating a stream of records window by window, each article
  yielded as soon as its segments are done (:func:`~bilingual.archive.stream.translate_stream`).
- :mod:`bilingual.archive.journal`: the output written through a partial file with an append-only
  journal beside it, so that a run killed at any moment resumes exactly
  (:class:`~bilingual.archive.journal.ArchiveWriter`).
- :mod:`bilingual.archive.run`: one whole run, what ``bilingual batch`` calls
  (:func:`~bilingual.archive.run.translate_archive`).
- :mod:`bilingual.archive.ray_runner`: the same run on a Ray actor pool, what ``bilingual batch --ray``
  calls (:func:`~bilingual.archive.ray_runner.run_archive_on_ray`; Ray is imported only then).
"""

from __future__ import annotations

from bilingual.archive.journal import ArchiveWriter
from bilingual.archive.ray_runner import EngineSpec, RayOptions, run_archive_on_ray
from bilingual.archive.records import Columns, Record, archive_format, read_records, render_line, render_row
from bilingual.archive.run import ArchiveResult, run_archive, translate_archive
from bilingual.archive.stream import DEFAULT_WINDOW, Translated, translate_records, translate_stream

__all__ = [
    "DEFAULT_WINDOW",
    "ArchiveResult",
    "ArchiveWriter",
    "Columns",
    "EngineSpec",
    "RayOptions",
    "Record",
    "Translated",
    "archive_format",
    "read_records",
    "render_line",
    "render_row",
    "run_archive",
    "run_archive_on_ray",
    "translate_archive",
    "translate_records",
    "translate_stream",
]
