"""A progress bar on stderr for long translations, and when to show it."""

from __future__ import annotations

import sys


def progress_enabled(quiet: bool) -> bool:
    """A progress bar only when both stderr and stdout are terminals and not --quiet."""
    return not quiet and sys.stderr.isatty() and sys.stdout.isatty()


class ProgressBar:
    """A rich progress bar on stderr, shown only once a run has more than ``threshold`` segments.

    Use as a context manager and pass :meth:`update` as the ``progress(done, total)`` callback.
    """

    def __init__(self, *, enabled: bool, threshold: int) -> None:
        self.enabled = enabled
        self.threshold = threshold
        self._bar = None
        self._task = None

    def __enter__(self) -> ProgressBar:
        return self

    def update(self, done: int, total: int) -> None:
        if not self.enabled or total <= self.threshold:
            return
        if self._bar is None:
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

            self._bar = Progress(
                TextColumn("translating"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeRemainingColumn(),
                console=Console(stderr=True),
                transient=True,
            )
            self._bar.start()
            self._task = self._bar.add_task("segments", total=total)
        self._bar.update(self._task, completed=done, total=total)

    def __exit__(self, *exc) -> None:
        if self._bar is not None:
            self._bar.stop()
