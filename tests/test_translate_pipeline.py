"""The Translator pipeline: batching, ordering, retries, placeholders, checks; fake and tiny real engines."""

from __future__ import annotations

import pytest

from bilingual.document import Block, BlockKind, Document
from bilingual.engines.base import GenerationOptions
from bilingual.errors import EngineError, InputError
from bilingual.glossary.hooks import Prepared, TermEvent
from bilingual.testing.fake_engine import FakeEngine
from bilingual.errors import EmptyTranslationError
from bilingual.translation.pipeline import Translator, _batches


def article(doc_id: str, *paragraphs: str) -> Document:
    blocks = [Block(BlockKind.HEADLINE, f"{doc_id} 제목", suffix="\n\n")]
    blocks += [Block(BlockKind.PARAGRAPH, p, suffix="\n\n") for p in paragraphs]
    return Document(blocks=blocks, id=doc_id)


DOCS = lambda: [  # noqa: E731
    article("a", "짧다.", "이것은 조금 더 긴 문장이다. 둘째 문장.", "사진=연합뉴스"),
    article("b", "아주 아주 아주 아주 아주 아주 긴 문장이 여기에 있다.", "끝."),
]


def test_segments_of_all_documents_are_sorted_batched_and_put_back():
    engine = FakeEngine()
    result = Translator(engine, options=GenerationOptions(batch_size=3)).translate_documents(DOCS())
    sent = [t for batch in engine.batches for t in batch]
    counts = engine.count_tokens(sent)
    assert counts == sorted(counts, reverse=True)  # longest first, across documents
    assert all(len(b) <= 3 for b in engine.batches)
    assert {t for t in sent} >= {"끝.", "짧다.", "a 제목", "b 제목"}  # both documents in one run
    for doc in result.documents:
        for block in doc.blocks:
            for seg in block.segments:
                assert seg.translation == f"[en] {seg.text}"
    assert [(r.document, r.block, r.segment) for r in result.segments][:3] == [("a", 0, 0), ("a", 1, 0), ("a", 2, 0)]


def test_identical_segments_are_translated_once():
    engine = FakeEngine()
    Translator(engine).translate_documents([article("a", "같다."), article("b", "같다.")])
    sent = [t for batch in engine.batches for t in batch]
    assert sent.count("같다.") == 1


@pytest.mark.parametrize(
    ("counts", "batch_size", "expected"),
    [
        ([5, 5, 5, 5], 2, [[0, 1], [2, 3]]),
        ([200, 10, 10, 10], 4, [[0], [1, 2, 3]]),  # 4*64 = 256 token budget: 200*2 would not fit
        ([1, 1, 1], 8, [[0, 1, 2]]),
    ],
)
def test_token_budget_batches(counts, batch_size, expected):
    assert _batches(list(range(len(counts))), counts, batch_size) == expected


def test_empty_output_is_retried_with_a_minimum_length():
    engine = FakeEngine(empty_for=("둘째 문장.",))
    result = Translator(engine).translate_documents(DOCS())
    [retried] = [r for r in result.segments if r.retried]
    assert retried.source == "둘째 문장." and retried.output == "[en] 둘째 문장."
    assert engine.options[-1].min_length >= 2 and engine.batches[-1] == ["둘째 문장."]


def test_output_that_stays_empty_is_reported_and_fails_loudly():
    engine = FakeEngine(always_empty=("끝.",))
    with pytest.raises(EmptyTranslationError, match="empty") as caught:
        Translator(engine).translate_documents(DOCS())
    [empty] = caught.value.result.empty_segments
    assert (empty.document, empty.block, empty.segment, empty.retried) == ("b", 2, 0, True)


class CountBreakingEngine(FakeEngine):
    def _translate(self, texts, options):
        return super()._translate(texts, options)[:-1]


def test_engine_breaking_one_in_one_out_is_an_error():
    with pytest.raises(EngineError, match="outputs for"):
        Translator(CountBreakingEngine()).translate_documents(DOCS())


def test_protected_spans_survive_even_when_the_model_drops_them():
    text = "자세한 내용은 https://example.com 을 보라."
    start, end = text.index("https"), text.index(" 을")
    doc = Document(blocks=[Block(BlockKind.PARAGRAPH, text, protected=[(start, end)])], id="p")
    keeps = Translator(FakeEngine(transform=lambda t: t.replace("자세한 내용은", "For details see"))).translate_document(doc)
    assert keeps.blocks[0].segments[0].translation == "For details see https://example.com 을 보라."
    doc.blocks[0].segments = []
    drops = Translator(FakeEngine(transform=lambda t: "For details see it.")).translate_documents([doc])
    assert drops.segments[0].output == "For details see it. https://example.com"
    assert drops.segments[0].restored == ["https://example.com"]


def test_untranslatable_blocks_and_block_count_are_kept():
    doc = Document(
        blocks=[
            Block(BlockKind.PARAGRAPH, "문장이다.", suffix="\n\n"),
            Block(BlockKind.CODE, "x = 1", suffix="\n\n"),
            Block(BlockKind.OTHER, "---", suffix="\n"),
        ]
    )
    Translator(FakeEngine()).translate_document(doc)
    assert len(doc.blocks) == 3
    assert doc.blocks[1].segments == [] and doc.blocks[2].segments == []


class TaggingEnforcer:
    source_lang, target_lang = "ko", "en"

    def prepare(self, text):
        return Prepared(source=text, model_input=text.replace("서울", "Seoul"), state="s")

    def finish(self, prepared, output):
        status = "applied" if "Seoul" in output else "missed"
        return output, [TermEvent(source="서울", target="Seoul", status=status)] if "Seoul" in prepared.model_input else []


def test_enforcer_prepare_and_finish_wrap_the_engine():
    engine = FakeEngine()
    result = Translator(engine, enforcer=TaggingEnforcer()).translate_documents([article("a", "서울에 비.")])
    assert "Seoul에 비." in [t for b in engine.batches for t in b]
    [report] = [r for r in result.segments if r.terms]
    assert report.terms[0].status == "applied"
    assert result.report()["summary"]["terms"] == {"applied": 1, "repaired": 0, "missed": 0}


def test_enforcer_direction_must_match():
    with pytest.raises(InputError, match="direction"):
        Translator(FakeEngine("en", "ko"), enforcer=TaggingEnforcer())


def test_translate_texts_one_output_per_input_and_long_ones_in_parts():
    engine = FakeEngine(max_tokens=20, transform=lambda t: f"<{t}>")
    translator = Translator(engine)
    long = "하나, 둘, 셋, 넷, 다섯, 여섯, 일곱, 여덟, 아홉, 열."
    out = translator.translate_texts(["짧다.", "", long])
    assert out[0] == "<짧다.>" and out[1] == ""
    assert out[2].count("<") > 1  # translated in parts
    assert out[2].replace("<", "").replace(">", "") == long


# --- through the real transformers path with the tiny checkpoints ---------------------------


@pytest.mark.parametrize(("fixture", "source_lang", "target_lang"), [("tiny_marian_ko_en", "ko", "en"), ("tiny_m2m100", "ko", "en"), ("tiny_marian_en_ko", "en", "ko")])
def test_tiny_model_translates_every_segment(request, fixture, source_lang, target_lang):
    translator = Translator.from_pretrained(
        str(request.getfixturevalue(fixture)),
        source_lang=source_lang,
        target_lang=target_lang,
        options=GenerationOptions(beams=2, batch_size=4),
    )
    if source_lang == "ko":
        docs = DOCS()
    else:
        docs = [article("e", "It rained in Seoul. The mayor spoke.", "Photo by Yonhap")]
    result = translator.translate_documents(docs)
    assert result.segments and all(r.output for r in result.segments)
    assert all(len(d.blocks) == n for d, n in zip(result.documents, [len(d.blocks) for d in docs]))


def test_tiny_model_translates_a_1500_character_sentence_in_parts(tiny_marian_ko_en):
    clause = "정부는 경제를 살리기 위해 다양한 정책을 내놓았으며, "
    sentence = (clause * 60)[:1499].rstrip() + "."
    doc = Document(blocks=[Block(BlockKind.PARAGRAPH, sentence)], id="long")
    translator = Translator.from_pretrained(str(tiny_marian_ko_en), options=GenerationOptions(beams=1))
    assert translator.engine.count_tokens([sentence])[0] > translator.segment_limit()
    result = translator.translate_documents([doc])
    segments = doc.blocks[0].segments
    assert len(segments) > 1 and all(s.part_of == 0 for s in segments)
    assert "".join(s.text + s.trailing for s in segments) == sentence
    assert len(result.segments) == len(segments) and all(s.translation for s in segments)
    assert max(translator.engine.count_tokens([s.text for s in segments])) <= translator.segment_limit()


def test_translate_texts_applies_the_enforcer():
    engine = FakeEngine(transform=lambda t: t.replace("Seoul", "Seoul city"))
    out = Translator(engine, enforcer=TaggingEnforcer()).translate_texts(["서울에 비.", "비."])
    assert engine.batches[0][0] == "Seoul에 비."
    assert out == ["Seoul city에 비.", "비."]


class FinishRewritingEnforcer(TaggingEnforcer):
    def finish(self, prepared, output):
        return output.upper(), []


def test_translate_texts_uses_the_enforcers_finished_text():
    out = Translator(FakeEngine(transform=lambda t: "rain"), enforcer=FinishRewritingEnforcer()).translate_texts(["비."])
    assert out == ["RAIN"]


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda doc: doc.blocks.append(Block(BlockKind.PARAGRAPH, "extra")), "blocks"),
        (lambda doc: setattr(doc.blocks[1].segments[0], "translation", "  "), "no translation"),
        (lambda doc: setattr(doc.blocks[1].segments[0], "text", "바뀐 문장."), "do not add up"),
    ],
)
def test_the_final_check_fails_loudly(mutate, message):
    from bilingual.translation.pipeline import _verify

    [doc] = Translator(FakeEngine()).translate_documents([article("a", "문장이다. 또 있다.")]).documents
    _verify([doc], [len(doc.blocks)])  # a good translation passes
    count = len(doc.blocks)
    mutate(doc)
    with pytest.raises(EngineError, match=message):
        _verify([doc], [count])


# --- invisible format characters ----------------------------------------------------------

INVISIBLE_CASES = [
    ("김\u200b문수는 모스\u00ad크바에 갔다.", "김문수는 모스크바에 갔다."),  # zero-width space, soft hyphen
    ("\ufeff서울\u2060시청 앞.", "서울시청 앞."),  # BOM, word joiner
    ("가족 👨\u200d👩\u200d👧 사진.", "가족 👨\u200d👩\u200d👧 사진."),  # emoji joiners stay
    ("비\u200d가 온다.", "비가 온다."),  # a joiner between letters goes
]


@pytest.mark.parametrize(("source", "model_input"), INVISIBLE_CASES)
def test_engine_gets_no_invisible_characters_and_the_source_is_kept(source, model_input):
    engine = FakeEngine()
    doc = Document(blocks=[Block(BlockKind.PARAGRAPH, source)], id="z")
    Translator(engine).translate_documents([doc])
    assert [t for batch in engine.batches for t in batch] == [model_input]
    assert "".join(s.text + s.trailing for s in doc.blocks[0].segments) == source


def test_name_with_a_zero_width_space_is_enforced_through_the_tiny_model(tiny_marian_ko_en):
    from pathlib import Path

    from bilingual.glossary import load_glossary
    from bilingual.glossary.enforce import Enforcer

    names = load_glossary(Path(__file__).resolve().parent.parent / "glossaries" / "names.tsv")
    translator = Translator.from_pretrained(
        str(tiny_marian_ko_en), enforcer=Enforcer(names, "ko", "en"), options=GenerationOptions(beams=1)
    )
    doc = Document(blocks=[Block(BlockKind.PARAGRAPH, "김\u200b문수 지사는 모스\u00ad크바를 방문했다.")], id="z")
    result = translator.translate_documents([doc])
    events = [e for r in result.segments for e in r.terms if e.is_term]  # not the notices (Hangul the model left)
    assert {(e.target, e.matched) for e in events} == {("Kim Moon-soo", "김\u200b문수 지사"), ("Moscow", "모스\u00ad크바")}
    assert all(e.status in ("applied", "repaired") for e in events)
    output = result.documents[0].blocks[0].segments[0].translation
    assert "Kim Moon-soo" in output and "Moscow" in output
