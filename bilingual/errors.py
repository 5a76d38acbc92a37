"""Typed errors raised by the library.

The CLI turns every :class:`BilingualError` into one line on stderr and an exit
status (``exit_code``); nothing else in the library prints or exits.
"""

from __future__ import annotations


class BilingualError(Exception):
    """Base class: a problem the user can fix, described in one line."""

    exit_code: int = 2

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:  # one line, always
        return " ".join(self.message.split())


class InputError(BilingualError):
    """Input text, file or option that cannot be used (missing, empty, binary, undecodable)."""


class OutputError(InputError):
    """An output that cannot be written: it is one of the inputs, two outputs are one file, or the write failed."""


class ModelUnavailableError(BilingualError):
    """A model that is neither cached locally nor reachable, or a broken model folder."""


class EngineError(BilingualError):
    """A translation engine failed or broke the one-segment-in, one-segment-out contract."""


class GlossaryError(BilingualError):
    """A malformed glossary file, an unknown term, or a failed glossary edit."""


class EditConflict(GlossaryError):
    """The row changed since the editor read it: its value is not the one the editor saw."""


class EmptyTranslationError(EngineError):
    """Some non-empty source segment still had an empty translation after the retry.

    ``result`` is the :class:`~bilingual.translation.pipeline.TranslationResult`
    as far as it got, so that a report can still be written."""

    def __init__(self, message: str, result: object) -> None:
        super().__init__(message)
        self.result = result


class ConversionError(BilingualError):
    """The checkpoint could not be converted (unsupported architecture, converter failure)."""


class StrictTermsError(BilingualError):
    """``--strict`` translation in which at least one glossary term was missed."""

    exit_code = 1


class CorpusError(BilingualError):
    """A corpus folder that is missing files, a manifest, or aligned segments."""


class GateConfigError(BilingualError):
    """A quality-gate file that cannot be read (unknown metric, bad value)."""


class GateFailed(BilingualError):
    """The quality gate ran and at least one bar did not hold."""

    exit_code = 1


class Interrupted(BaseException):
    """A signal (SIGTERM, SIGHUP) asked the process to stop.

    Raised by the CLI's signal handler, it unwinds like ``KeyboardInterrupt``:
    ``finally`` blocks remove temporary files and a folder run's journal is
    marked interrupted; the CLI then exits with 128 + the signal number."""

    def __init__(self, signum: int) -> None:
        import signal

        self.signum = signum
        self.name = signal.Signals(signum).name
        super().__init__(f"interrupted ({self.name})")

    @property
    def exit_code(self) -> int:
        return 128 + self.signum


class BilingualWarning(UserWarning):
    """Base class of the warnings the library gives; the CLI prints each as one ``warning:`` line."""


class LicenceWarning(BilingualWarning):
    """A model's licence restricts its use (e.g. non-commercial only)."""


class DemoQualityWarning(BilingualWarning):
    """A model good enough to exercise the pipeline, not to publish translations."""


class EngineOptionWarning(BilingualWarning):
    """An engine ignores a setting it was given (e.g. from a model's generation_config.json)."""


class FormattingWarning(BilingualWarning):
    """Inline formatting (a link, bold words) that a translation could not keep exactly where it was."""


class ApiError(Exception):
    """An HTTP request ``bilingual serve`` refuses: answered with ``status`` and ``{"error": message}``
    (``retry_after``: seconds, sent as ``Retry-After`` with 429)."""

    def __init__(self, status: int, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.retry_after = retry_after
