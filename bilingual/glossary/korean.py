"""Korean-specific knowledge: what may follow a term inside one word, and particle agreement.

A Korean word (eojeol, the text between spaces) that holds a glossary term
may carry particles and endings (경기도는, 경기도에서는), be a compound
(경기도지사, 경기도민), or be an unrelated word that merely starts with the
same syllables (한국어 is the Korean language, not Korea). :func:`rest_is_particles`
checks the hand-made particle grammar, :func:`rest_is_compound` a list of
compound heads, and :func:`kiwi_boundary` asks the kiwipiepy morphological
analyser whether the word really has a morpheme boundary after the term, and
not the rest of a longer name (한국 in 한국산업기술대학 is not Korea).
"""

from __future__ import annotations

from functools import lru_cache

from bilingual.text.kiwi import kiwi

# Particles (josa), the copula and its common endings, and a few suffixes that
# attach to nouns. A word's rest may be any sequence of up to four of these.
PARTICLES: tuple[str, ...] = (
    # case and topic particles
    "은", "는", "이", "가", "을", "를", "의", "와", "과", "에", "에서", "에게", "에게서",
    "한테", "한테서", "께", "께서", "로", "으로", "로서", "으로서", "로써", "으로써", "로부터", "으로부터",
    "도", "만", "까지", "부터", "조차", "마저", "보다", "처럼", "같이", "마다", "밖에", "뿐",
    "대로", "하고", "랑", "이랑", "나", "이나", "든지", "이든지", "라도", "이라도", "야", "이야",
    "서", "요", "들", "측",
    # copula and endings used after nouns in news prose
    "이다", "다", "였다", "이었다", "입니다", "이며", "며", "이고", "이자",
    "라고", "이라고", "라는", "이라는", "라며", "이라며", "란", "이란", "인", "이던", "던",
    "이지만", "지만", "이면", "이어서", "여서", "이라", "이었고", "였고",
    "이었다면", "였다면", "이라면", "라면", "이었으며", "였으며", "이었던", "였던", "이기도", "이므로",
    "였습니다", "이었습니다", "이든", "든", "에선", "엔", "이여", "여",
)
_PARTICLE_SET = frozenset(PARTICLES)
_MAX_PARTICLE = max(len(p) for p in PARTICLES)

# Nouns and noun suffixes that form a compound with a preceding name:
# 경기도지사 (governor of Gyeonggi), 경기도민 (Gyeonggi residents), 러시아산
# (made in Russia), 모스크바행 (bound for Moscow).
COMPOUND_HEADS: tuple[str, ...] = (
    "지사", "도지사", "청", "도청", "민", "도민", "시민", "국민", "의회", "도의회", "정부", "당국",
    "산", "행", "발", "내", "외", "간", "계", "인", "측", "권", "지역", "전역", "현지",
    "대사관", "대사", "총리", "대통령", "총장", "부총장", "교수", "기업", "업체", "법인", "본사",
    "출신", "소재", "주재", "국적", "경제", "정상", "언론", "대학", "방문", "방문단", "대표단",
    "대표", "공장", "진출", "투자", "시장", "교육청", "경찰", "경찰청", "소방", "소방본부",
    # one-syllable suffixes after foreign names: 모리스씨, 워싱턴주, 버밍엄시, 뉴스위크지,
    # 트리니다드섬, 러시아군, 자바식, 독일판, 브레멘급, 한국형, 웨스트버지니아대
    "씨", "주", "시", "지", "섬", "군", "식", "판", "급", "형", "대",
)
_HEAD_SET = frozenset(COMPOUND_HEADS)


def is_hangul(ch: str) -> bool:
    return "\uac00" <= ch <= "\ud7a3"


def rest_is_particles(rest: str, *, max_parts: int = 4) -> bool:
    """True if ``rest`` is empty or a sequence of at most ``max_parts`` particles/endings."""
    return _segment(rest, max_parts)


@lru_cache(maxsize=65536)
def _segment(rest: str, max_parts: int) -> bool:
    if rest == "":
        return True
    if max_parts == 0:
        return False
    for size in range(min(_MAX_PARTICLE, len(rest)), 0, -1):
        if rest[:size] in _PARTICLE_SET and _segment(rest[size:], max_parts - 1):
            return True
    return False


def rest_is_compound(rest: str) -> bool:
    """True if ``rest`` is a compound head optionally followed by particles (지사는, 민들의)."""
    for size in range(min(4, len(rest)), 0, -1):
        if rest[:size] in _HEAD_SET and rest_is_particles(rest[size:]):
            return True
    return False


# ------------------------------------------------------------------ kiwipiepy


@lru_cache(maxsize=65536)
def kiwi_tokens(word: str) -> tuple[tuple[int, int, str], ...]:
    """(start, end, tag) of each morpheme of ``word``, offsets in ``word``."""
    return tuple((t.start, t.start + t.len, t.tag) for t in kiwi().tokenize(word))


def kiwi_boundary(word: str, at: int) -> bool:
    """Does the analyser put a morpheme boundary at offset ``at`` of ``word``, followed by a
    particle, ending, copula, or a noun of two or more syllables?

    Derivational suffixes (성 in 이란성) and one-syllable nouns are refused: after a
    foreign name they are too often part of a longer name (로스|비 for Rossby) or make a
    different word (포르투갈|어, the Portuguese language); the one-syllable suffixes that
    do form compounds (씨, 주, 시, 군 …) are in ``COMPOUND_HEADS``.
    """
    following = None
    for start, end, tag in kiwi_tokens(word):
        if start < at < end:
            return False
        if start == at and following is None:
            following = (tag, end - start)
    if following is None:
        return False
    tag, size = following
    if tag.startswith(("J", "E", "VCP")):
        return True
    return tag.startswith(("NN", "SL", "SN")) and size >= 2 and not kiwi_longer_name(word, at)


def kiwi_longer_name(word: str, at: int) -> bool:
    """Does ``word`` go on from offset ``at`` as the rest of a longer name: a proper noun next,
    or two or more nouns before any particle or ending (한국|산업|기술|대학은, 러시아|과학|아카데미)?

    One common noun after a place is a compound about the place (한국|사회, 러시아|연방,
    모스크바|대학교); a chain of nouns glued to it is the name of something else.
    """
    nouns = 0
    for start, _end, tag in kiwi_tokens(word):
        if start < at:
            continue
        if tag == "NNP" and start == at:
            return True
        if not tag.startswith(("NNG", "NNP")):
            break
        nouns += 1
    return nouns >= 2


_NAME_JOINERS = frozenset(" -\u00b7\u2010\u2011")  # space, hyphen, middle dot (한-러, 알료신 알렉세이)


def proper_nouns(text: str) -> list[tuple[int, int]]:
    """Spans of the proper nouns (kiwipiepy NNP) of ``text``; neighbours joined by one space, a
    hyphen or a middle dot are one span (알료신 알렉세이, 한-러). A lone one-syllable proper
    noun is left out: the analyser tags many single syllables NNP (김 as a family name, 한)."""
    spans: list[tuple[int, int, int]] = []  # (start, end, number of tokens)
    for token in kiwi().tokenize(text):
        if token.tag != "NNP":
            continue
        start, end = token.start, token.start + token.len
        if spans and _joined(text, spans[-1][1], start):
            spans[-1] = (spans[-1][0], end, spans[-1][2] + 1)
        else:
            spans.append((start, end, 1))
    return [(start, end) for start, end, count in spans if count > 1 or end - start > 1]


def _joined(text: str, end: int, start: int) -> bool:
    return 0 <= start - end <= 1 and all(ch in _NAME_JOINERS for ch in text[end:start])


def kiwi_noun_span(word: str, start: int, end: int) -> bool:
    """Is ``word[start:end]`` made of whole morphemes, the first of them a noun or foreign word?
    (The analyser-alone method of ``eval/scripts/glossary_match_accuracy.py``.)"""
    tokens = kiwi_tokens(word)
    first = None
    for t_start, t_end, tag in tokens:
        if t_start < start < t_end or t_start < end < t_end:
            return False
        if t_start == start and first is None:
            first = tag
    ends = any(t_end == end for _s, t_end, _t in tokens) or end == len(word)
    return first is not None and ends and (first.startswith("NN") or first in ("SL", "SH", "XPN"))


# ------------------------------------------------------------------ particle agreement

_JONG_RIEUL = 8  # ㄹ as a final consonant


def final_consonant(word: str) -> int | None:
    """Index of the final consonant (batchim) of the last syllable; 0 for none; None if not Hangul."""
    for ch in reversed(word.strip()):
        if is_hangul(ch):
            return (ord(ch) - 0xAC00) % 28
        if ch.isdigit():
            # Sino-Korean reading of the last digit: 0 영, 1 일, 2 이, 3 삼, 4 사, 5 오, 6 육, 7 칠, 8 팔, 9 구
            return {"0": 21, "1": 8, "2": 0, "3": 16, "4": 0, "5": 0, "6": 1, "7": 8, "8": 8, "9": 0}[ch]
        if ch.isalpha():
            return None
    return None


# Pairs (after a consonant, after a vowel). (으)로 follows the ㄹ rule.
PARTICLE_PAIRS: dict[str, tuple[str, str]] = {
    "은": ("은", "는"), "는": ("은", "는"),
    "이": ("이", "가"), "가": ("이", "가"),
    "을": ("을", "를"), "를": ("을", "를"),
    "과": ("과", "와"), "와": ("과", "와"),
    "으로": ("으로", "로"), "로": ("으로", "로"),
    "이다": ("이다", "다"), "이며": ("이며", "며"), "이라고": ("이라고", "라고"), "이라는": ("이라는", "라는"),
    "이나": ("이나", "나"), "이랑": ("이랑", "랑"), "이었다": ("이었다", "였다"), "였다": ("이었다", "였다"),
}


def agree(word: str, particle: str) -> str:
    """The form of ``particle`` that agrees with the last syllable of ``word``.

    은/는, 이/가, 을/를, 과/와, 으로/로 (ㄹ takes 로: 서울로, 모스크바로, 경기도로 but 한국으로).
    A particle without two forms, or a word that does not end in Hangul or a digit, is returned unchanged.
    """
    for pair_key in sorted(PARTICLE_PAIRS, key=len, reverse=True):
        if particle.startswith(pair_key):
            after_consonant, after_vowel = PARTICLE_PAIRS[pair_key]
            tail = particle[len(pair_key):]
            jong = final_consonant(word)
            if jong is None:
                return particle
            if after_consonant == "으로":
                choice = after_vowel if jong in (0, _JONG_RIEUL) else after_consonant
            else:
                choice = after_vowel if jong == 0 else after_consonant
            return choice + tail
    return particle


def split_leading_particle(rest: str) -> tuple[str, str]:
    """Split the first agreeing particle off ``rest`` ("을까지" -> ("을", "까지")); ("", rest) if none."""
    for pair_key in sorted(PARTICLE_PAIRS, key=len, reverse=True):
        if rest.startswith(pair_key):
            return pair_key, rest[len(pair_key):]
    return "", rest
