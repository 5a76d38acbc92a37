"""Line splitting and protected-span helpers shared by the format readers."""

from __future__ import annotations

import re

_LINE_RE = re.compile(r"[^\r\n]*(?:\r\n|\n|\r)?")

# Characters that never belong to a URL as written in running text: white space,
# quotes, and CJK/full-width punctuation (in a real URL they are percent-encoded).
_NOT_URL = "\\s<>\"'`\u201c\u201d\u2018\u2019\u3008-\u3011\u3014-\u301b\u3001\u3002\uff08\uff09\uff3b\uff3d\uff5b\uff5d\uff0c\uff0e\uff1a\uff1b\uff01\uff1f\u2026\u00b7\u318d"
_URL_RE = re.compile(rf"(?:https?://|www\.(?=[A-Za-z0-9]))[^{_NOT_URL}]*")
# The local part is ASCII so that Hangul glued before an address (담당자kim@...) stays text;
# the domain is ASCII so that a particle after it (press@mofa.go.kr로) stays text.
_EMAIL_RE = re.compile(r"[A-Za-z0-9_%+-][A-Za-z0-9._%+-]*@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
_HANGUL_RUN = re.compile("[\u1100-\u11ff\u3130-\u318c\u318e\u318f\ua960-\ua97f\uac00-\ud7ff]+")
_SEGMENT_START = "/?=&#"  # a Hangul run right after one of these is an IRI path segment or query value
_SENTENCE_PUNCT = ".,;:!?"
_CLOSERS = {")": "(", "]": "[", "}": "{"}


def split_lines(text: str) -> list[str]:
    """Lines of ``text`` each with its own ending ("\\r\\n", "\\n", "\\r" or none at EOF).

    ``"".join(split_lines(t)) == t`` always. Unlike ``str.splitlines`` only
    CR/LF end a line (U+2028 and form feeds stay inside lines).
    """
    lines = []
    for match in _LINE_RE.finditer(text):
        if match.group():
            lines.append(match.group())
    return lines


def line_ending(line: str) -> str:
    if line.endswith("\r\n"):
        return "\r\n"
    if line.endswith(("\n", "\r")):
        return line[-1]
    return ""


def url_and_email_spans(text: str) -> list[tuple[int, int]]:
    """Spans of URLs and e-mail addresses in ``text`` (sorted, not overlapping)."""
    spans = [_url_span(text, m.start(), m.end()) for m in _URL_RE.finditer(text)]
    spans += [m.span() for m in _EMAIL_RE.finditer(text)]
    return merge_spans(spans)


def _url_span(text: str, start: int, end: int) -> tuple[int, int]:
    """Where the URL candidate ``text[start:end]`` really ends in running (Korean) text.

    * Hangul glued to the URL is Korean text (a particle or ending: ``example.com/a에서``,
      ``www.korea.kr로``): the URL ends before it. A Hangul run that starts a path segment or
      query value (right after ``/ ? = & #``) is kept as part of an IRI
      (``ko.wikipedia.org/wiki/서울``, ``/뉴스/1``), unless it is the URL's last run and consists
      only of particles (``https://example.com/에서``). A particle glued to such a raw-Hangul final
      segment (``/wiki/서울에서``) cannot be told from the segment and stays inside; a percent-encoded
      path (``/wiki/%EC%84%9C%EC%9A%B8에서``) ends correctly. Hangul IDN hosts are rare in news
      text: they are kept after ``scheme://`` (``http://한국.kr``), not after a bare ``www.``.
    * Trailing sentence punctuation (``. , ; : ! ?``) is outside, and so is a closing bracket
      that has no opening partner inside the URL (``(www.korea.kr/news)``, but
      ``wiki/Seoul_(city)`` keeps its own). Quotes and CJK brackets never belong to a URL.
    """
    from bilingual.glossary.korean import rest_is_particles  # light: no analyser is loaded

    url = text[start:end]
    for run in _HANGUL_RUN.finditer(url):
        at_segment = run.start() > 0 and url[run.start() - 1] in _SEGMENT_START
        last = run.end() == len(url)
        if not at_segment or (last and rest_is_particles(run.group())):
            url = url[: run.start()]
            break
    while url:
        ch = url[-1]
        if ch in _SENTENCE_PUNCT:
            url = url[:-1]
        elif ch in _CLOSERS and url.count(ch) > url.count(_CLOSERS[ch]):
            url = url[:-1]
        else:
            break
    if url.endswith("//"):
        return (start, start)  # nothing left after the scheme: not a URL (dropped by merge_spans)
    return (start, start + len(url))


def merge_spans(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sort spans and merge the ones that overlap (touching spans stay apart)."""
    out: list[tuple[int, int]] = []
    for start, end in sorted(s for s in spans if s[1] > s[0]):
        if out and start < out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return out
