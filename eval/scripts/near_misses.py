"""Near-miss names (``glossary lint --corpus``, ``bilingual.glossary.variants``): what the check reports
on the corpora, and how many made-up variants of the glossaries' own names it finds.

    python eval/scripts/near_misses.py

1. Every near-miss of ``glossaries/names.tsv`` and ``glossaries/ntrex128.tsv`` in the Korean
   articles of ``corpora/seed``, ``corpora/ntrex128`` and ``corpora/flores200-devtest`` (the
   reports are to be checked by hand: each should be the same name).
2. Recall on variants made from each glossary's Korean surfaces by one rule — the ㄹ of 슬라/스라
   dropped or added, 대학교/대학 and 공과대학/공대 swapped, one consonant for its aspirated pair
   (surfaces of five syllables or more) — each put alone in the sentence "X는 말했다."; a variant
   in which another surface of the same term still matches (김문수 in 김문수 치사) is counted apart.
"""

from __future__ import annotations

import time
from collections import Counter
from pathlib import Path

from bilingual.glossary import load_glossary
from bilingual.glossary.match import find_terms
from bilingual.glossary.variants import compose, jamo, near_misses

ROOT = Path(__file__).resolve().parents[2]
GLOSSARIES = ("glossaries/names.tsv", "glossaries/ntrex128.tsv")
CORPORA = ("corpora/seed", "corpora/ntrex128", "corpora/flores200-devtest")

_ASPIRATED = {"ㄱ": "ㅋ", "ㄷ": "ㅌ", "ㅂ": "ㅍ", "ㅈ": "ㅊ", "ㅋ": "ㄱ", "ㅌ": "ㄷ", "ㅍ": "ㅂ", "ㅊ": "ㅈ"}


def _parts(ch: str) -> tuple[str, str, str] | None:
    pairs = dict(jamo(ch))
    return (pairs["L"], pairs["V"], pairs.get("T", "")) if "L" in pairs else None


def variants(surface: str) -> list[tuple[str, str]]:
    """(rule, variant) pairs made from ``surface`` by one rule each."""
    out = []
    for i in range(len(surface) - 1):
        here, after = _parts(surface[i]), _parts(surface[i + 1])
        if here and after and after[0] == "ㄹ":
            coda = "" if here[2] == "ㄹ" else ("ㄹ" if here[2] == "" else None)
            if coda is not None:
                out.append(("ㄹ/ㄹㄹ", surface[:i] + compose(here[0], here[1], coda) + surface[i + 1:]))
                break
    for long_, short in (("공과대학", "공대"), ("대학교", "대학")):
        if surface.endswith(long_):
            out.append(("head", surface[: -len(long_)] + short))
            break
        if surface.endswith(short) and len(surface) > len(short):
            out.append(("head", surface[: -len(short)] + long_))
            break
    if len(surface.replace(" ", "")) >= 5:
        for i in range(len(surface) - 1, 0, -1):
            parts = _parts(surface[i])
            if parts and parts[0] in _ASPIRATED:
                out.append(("aspirated", surface[:i] + compose(_ASPIRATED[parts[0]], *parts[1:]) + surface[i + 1:]))
                break
    return out


def main() -> None:
    for name in GLOSSARIES:
        glossary = load_glossary(ROOT / name)
        for corpus in CORPORA:
            texts = [f.read_text(encoding="utf-8") for f in sorted((ROOT / corpus).rglob("*.ko.txt"))]
            start = time.perf_counter()
            found = near_misses(glossary, texts)
            print(f"{name} on {corpus} ({len(texts)} texts): {len(found)} near-miss(es), {time.perf_counter() - start:.1f} s")
            for miss in found:
                print(f"    {miss.text} ({miss.count}x) ~ {miss.surface} [{miss.term.english}]: {', '.join(miss.differences)}")
    print()
    for name in GLOSSARIES:
        glossary = load_glossary(ROOT / name)
        surfaces = {s for t in glossary.effective_terms() for s in t.korean_surfaces}
        tried: Counter = Counter()
        found: Counter = Counter()
        matched: Counter = Counter()
        for term in glossary.effective_terms():
            for surface in term.korean_surfaces:
                for rule, variant in variants(surface):
                    if variant in surfaces:
                        continue
                    sentence = f"{variant}는 말했다."
                    if any(m.term == term for m in find_terms(glossary, sentence, "ko")):
                        matched[rule] += 1  # another surface of the term matches in it (김문수 in 김문수 치사)
                        continue
                    tried[rule] += 1
                    found[rule] += any(m.text == variant and m.term == term for m in near_misses(glossary, [sentence]))
        line = ", ".join(f"{rule} {found[rule]}/{tried[rule]}" for rule in tried)
        print(
            f"{name} made-up variants: {sum(matched.values())} matched as the term anyway; of the others "
            f"{sum(found.values())}/{sum(tried.values())} found ({line})"
        )


if __name__ == "__main__":
    main()
