"""XLIFF 1.2 / 2.0 and PO/POT: read -> write and read -> translate -> write round trips, states,
inline codes, languages, bad input through the CLI, and both formats through a tiny real model."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from formats_helpers import cli
from lxml import etree

from bilingual.formats import parse, read_inputs, render
from bilingual.testing.fake_engine import FakeEngine
from bilingual.translation.pipeline import Translator

DATA = Path(__file__).parent / "data" / "l10n"
REPO = Path(__file__).resolve().parent.parent
XLIFF_FILES = ("article-1.2.xlf", "article-2.0.xlf")
PO_FILES = ("news-ko.po", "site-en.pot")
STATE_ATTRS = {"state", "subState", "state-qualifier", "target-language", "trgLang"}


# -- helpers ---------------------------------------------------------------------------------------


def _translate(doc_or_path, source: str = "ko", target: str = "en", transform=None):
    docs = read_inputs(doc_or_path) if isinstance(doc_or_path, Path) else [doc_or_path]
    translator = Translator(FakeEngine(source, target, transform=transform))
    return translator.translate_documents(docs).documents[0]


def _tree(data: bytes):
    return etree.fromstring(data, parser=etree.XMLParser(resolve_entities=False, no_network=True))


def _shape(element, *, drop_targets: bool) -> tuple:
    """An element as nested tuples: white space between elements ignored (translate-toolkit
    re-indents), targets and the state attributes left out when ``drop_targets``."""
    attrs = {k: v for k, v in element.attrib.items() if not (drop_targets and k in STATE_ATTRS)}
    kept = [c for c in element if not (drop_targets and etree.QName(c).localname == "target")]
    children = [_shape(child, drop_targets=drop_targets) for child in kept]
    text = element.text if element.text and element.text.strip() else ""
    tails = [c.tail if c.tail and c.tail.strip() else "" for c in kept]
    return (element.tag, sorted(attrs.items()), text, children, tails)


def _targets(data: bytes) -> dict[str, tuple[str, dict]]:
    """Each unit's (1.2) or segment's (2.0) target as XML text, and the state attributes around it."""
    root = _tree(data)
    found = {}
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        name = etree.QName(element).localname
        if name not in ("trans-unit", "segment"):
            continue
        target = next((c for c in element if etree.QName(c).localname == "target"), None)
        key = element.get("id") if name == "trans-unit" else f"{element.getparent().get('id')}/{element.get('id')}"
        if target is None:
            continue
        inner = (target.text or "") + "".join(etree.tostring(c, encoding="unicode", with_tail=True) for c in target)
        inner = re.sub(r' xmlns(:\w+)?="[^"]*"', "", inner)
        states = {k: v for k, v in {**element.attrib, **target.attrib}.items() if k in STATE_ATTRS}
        found[key] = (inner, states)
    return found


def _toolkit_units(data: bytes, version: str) -> list[tuple]:
    """What translate-toolkit reads of each unit: id, source, notes, whether translatable."""
    if version == "2.0":
        from translate.storage.xliff2 import Xliff2File

        store = Xliff2File.parsestring(data)
    else:
        from translate.storage.xliff import xlifffile

        store = xlifffile.parsestring(data)
    return [(u.getid(), u.source, u.getnotes(), u.istranslatable(), u.getlocations()) for u in store.units]


def _po_units(data: bytes) -> list[tuple]:
    """What translate-toolkit reads of each PO entry except its msgstr and fuzzy flag."""
    from translate.storage.pypo import pofile

    store = pofile.parsestring(data)
    rows = []
    for unit in store.units:
        if unit.isheader():
            continue
        flags = sorted(set(unit.typecomments and re.findall(r"[\w-]+", " ".join(unit.typecomments))) - {"fuzzy"})
        rows.append((unit.getcontext(), str(unit.source) if not unit.hasplural() else tuple(unit.source.strings),
                     unit.getnotes(), unit.getlocations(), flags, unit.isobsolete(), unit.prev_source))
    return rows


# -- XLIFF -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", XLIFF_FILES)
def test_xliff_untranslated_round_trip(name):
    data = (DATA / name).read_bytes()
    doc = read_inputs(DATA / name)[0]
    assert render(doc) == data  # nothing translated: the input, byte for byte
    rewritten = bytes(doc.container.store)  # the store written back as it was read
    version = "2.0" if "2.0" in name else "1.2"
    assert _toolkit_units(rewritten, version) == _toolkit_units(data, version)
    assert _shape(_tree(rewritten), drop_targets=False) == _shape(_tree(data), drop_targets=False)


def test_xliff12_blocks_codes_and_what_is_left_out():
    doc = read_inputs(DATA / "article-1.2.xlf")[0]
    assert doc.meta["languages"] == ("ko-KR", None)
    texts = [b.text for b in doc.blocks]
    assert texts == [
        "서울시, <g1>버스 요금</g1> 300원 인상",
        "서울시는 <g1>3일</g1> 시내버스 기본요금을 올린다고 밝혔다.<x3/>시민단체는 즉각 반대했다.",
        "문의: <b1/>민원실<e2/>",
        "경기도 수원시 정류장에서 시민들이 버스를 기다리고 있다. <p1/>",
    ]  # translate="no" and the approved unit are not blocks
    first = doc.blocks[0]
    assert [first.text[s:e] for s, e in first.protected] == ["<g1>", "</g1>"]


def test_xliff12_translated_targets_states_and_the_rest_kept():
    data = (DATA / "article-1.2.xlf").read_bytes()
    out = render(_translate(DATA / "article-1.2.xlf"))
    targets = _targets(out)
    assert targets["headline"] == (
        '[en] 서울시, <g id="1" ctype="italic">버스 요금</g> 300원 인상',
        {"state": "translated", "state-qualifier": "mt-suggestion"},
    )
    assert targets["lead"][0] == (
        '[en] 서울시는 <g id="2" ctype="bold">3일</g> 시내버스 기본요금을 올린다고 밝혔다.'
        '<x id="3" ctype="lb"/>[en] 시민단체는 즉각 반대했다.'
    )
    assert targets["contact"][0].startswith('[en] 문의: <bpt id="4">&lt;a href="mailto:help@seoul.go.kr"&gt;</bpt>민원실')
    assert targets["quote"] == ("The city said so.", {"state": "final"})  # approved: kept
    assert "byline" not in targets  # translate="no": untouched
    root = _tree(out)
    assert root.find("{*}file").get("target-language") == "en"  # set where the file left it out
    # reading back equals the input except the targets and their states
    assert _shape(root, drop_targets=True) == _shape(_tree(data), drop_targets=True)
    assert [u[:3] for u in _toolkit_units(out, "1.2")] == [u[:3] for u in _toolkit_units(data, "1.2")]


def test_xliff20_several_segments_per_unit():
    data = (DATA / "article-2.0.xlf").read_bytes()
    doc = read_inputs(DATA / "article-2.0.xlf")[0]
    assert [b.text for b in doc.blocks] == [
        "한국은행은 3일 <p1>기준금리</p1>를 연 3.25%로 동결했다.",
        "시장은 이번 결정을 예상했다.<p1/>",
        "물가 상승률이 둔화됐다.",
        "경기도 수출은 늘었다.",
    ]  # the final and reviewed segments and the translate="no" unit are kept out
    out = render(_translate(doc))
    targets = _targets(out)
    translated = {"state": "translated", "subState": "bilingual:mt"}
    assert targets["lead/s1"] == (
        '[en] 한국은행은 3일 <pc id="1" dataRefStart="d1" dataRefEnd="d2">기준금리</pc>를 연 3.25%로 동결했다.',
        translated,
    )
    assert targets["lead/s2"] == ('[en] 시장은 이번 결정을 예상했다.<ph id="2" dataRef="d3"/>', translated)
    assert targets["lead/s3"] == ("Prices in Gyeonggi Province rose too.", {"state": "final"})
    assert targets["related-1/r2"] == ("The government said.", {"state": "reviewed"})
    assert targets["related-1/r1"][0] == "[en] 물가 상승률이 둔화됐다."
    assert targets["related-1/r3"][0] == "[en] 경기도 수출은 늘었다."
    root = _tree(out)
    assert root.get("trgLang") == "en"
    assert _shape(root, drop_targets=True) == _shape(_tree(data), drop_targets=True)
    assert [u[:3] for u in _toolkit_units(out, "2.0")] == [u[:3] for u in _toolkit_units(data, "2.0")]


@pytest.mark.parametrize(
    ("name", "key", "origin", "states", "fuzzy"),
    [
        ("article-1.2.xlf", "headline", "tm-fuzzy", {"state": "needs-review-translation", "state-qualifier": "fuzzy-match"}, True),
        ("article-1.2.xlf", "headline", "tm-exact", {"state": "translated", "state-qualifier": "exact-match"}, False),
        ("article-2.0.xlf", "lead/s1", "tm-fuzzy", {"state": "initial", "subState": "bilingual:tm-fuzzy"}, True),
        ("article-2.0.xlf", "lead/s1", "tm-exact", {"state": "translated", "subState": "bilingual:tm-exact"}, False),
    ],
)
def test_xliff_states_from_memory_origins(name, key, origin, states, fuzzy):
    doc = _translate(DATA / name)
    for segment in doc.blocks[0].segments:
        segment.origin, segment.tm_score = origin, 91.0 if origin == "tm-fuzzy" else 100.0
    out = render(doc)
    assert _targets(out)[key][1] == states
    version = "2.0" if "2.0" in name else "1.2"
    if version == "2.0":
        from translate.storage.xliff2 import Xliff2File

        store = Xliff2File.parsestring(out)
    else:
        from translate.storage.xliff import xlifffile

        store = xlifffile.parsestring(out)
    unit = next(u for u in store.units if u.getid().endswith(key.split("/")[-1]))
    # translate-toolkit reads the state as meant (1.2: a review-needed state; it calls every
    # target without approved="yes" fuzzy, and machine output is never marked approved)
    assert (unit.isfuzzy() if version == "2.0" else unit.isreview()) is fuzzy
    assert not unit.isapproved()


@pytest.mark.parametrize(
    ("transform", "expected"),
    [
        # the model keeps the placeholders where they were
        (None, '[en] 서울시는 <g id="2" ctype="bold">3일</g> 시내버스'),
        # the model drops them: they come back at the end of the sentence, in order
        (lambda t: re.sub(r"\[\d+\]", "", t), '밝혔다.<g id="2" ctype="bold"/><x id="3" ctype="lb"/>시민단체는'),
        # the model puts the closing one first: not well nested, so every code goes after the text
        (lambda t: t.replace("[1]", "§").replace("[2]", "[1]").replace("§", "[2]"), "시민단체는 즉각 반대했다."),
    ],
    ids=["kept", "dropped", "swapped"],
)
def test_xliff_inline_codes_always_come_back_well_formed(transform, expected):
    out = render(_translate(DATA / "article-1.2.xlf", transform=transform))
    target = _targets(out)["lead"][0]
    assert expected in target
    assert target.count("<g ") == 1 and target.count('<x id="3" ctype="lb"/>') == 1
    assert "<g1>" not in target and "[1]" not in target


def test_xliff20_spanning_codes_keep_their_order():
    """<sc/> before its <ec/>: a translation that swaps them gets every code after the text."""
    data = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.0" '
        'srcLang="ko" trgLang="en"><file id="f"><unit id="u"><segment><source>한국은행은 <sc id="1"/>기준금리<ec startRef="1"/>를 '
        "동결했다.</source></segment></unit></file></xliff>\n"
    ).encode()
    swap = lambda t: t.replace("[1]", "§").replace("[2]", "[1]").replace("§", "[2]")  # noqa: E731
    for transform, expected in ((None, '[en] 한국은행은 <sc id="1"/>기준금리<ec startRef="1"/>를 동결했다.'),
                                (swap, '한국은행은 기준금리를 동결했다.<sc id="1"/><ec startRef="1"/>')):  # fmt: skip
        out = render(_translate(parse(data, "xliff", name="sc.xlf")[0], transform=transform))
        assert _targets(out)["u/None"][0] == expected


def test_xliff_source_text_that_looks_like_a_token_stays_text():
    data = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<xliff xmlns="urn:oasis:names:tc:xliff:document:1.2" version="1.2">'
        '<file source-language="ko" datatype="plaintext" original="a"><body><trans-unit id="t"><source>'
        "태그 &lt;g1&gt;는 글자다 <g id=\"1\">여기</g></source></trans-unit></body></file></xliff>\n"
    ).encode()
    doc = parse(data, "xliff", name="t.xlf")[0]
    assert doc.blocks[0].text == "태그 <g1>는 글자다 <g1#>여기</g1#>"
    assert _targets(render(_translate(doc)))["t"][0] == '[en] 태그 <g1>는 글자다 <g id="1">여기</g>'  # the target's text (escaped in the file)


def test_xliff_language_mismatch_and_missing_direction():
    doc = parse((DATA / "article-1.2.xlf").read_bytes().replace(b'source-language="ko-KR"', b'source-language="ko-KR" target-language="de"'), "xliff", name="a.xlf")[0]
    translated = _translate(doc)
    from bilingual.errors import InputError

    with pytest.raises(InputError, match="target language is 'de'"):
        render(translated)


# -- PO / POT --------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", PO_FILES)
def test_po_untranslated_round_trip(name):
    data = (DATA / name).read_bytes()
    doc = read_inputs(DATA / name)[0]
    assert render(doc) == data
    rewritten = bytes(doc.container.store)
    assert _po_units(rewritten) == _po_units(data)
    from translate.storage.pypo import pofile

    assert pofile.parsestring(rewritten).parseheader() == pofile.parsestring(data).parseheader()


def test_po_ko_en_context_plurals_comments_fuzzy():
    from translate.storage.pypo import pofile

    data = (DATA / "news-ko.po").read_bytes()
    doc = read_inputs(DATA / "news-ko.po")[0]
    assert doc.meta["languages"] == (None, "en")
    assert [b.text for b in doc.blocks] == [
        "경제", "경제", "%(name)s 기자", "경기도 기사 %d건", "경기도 기사 %d건",
        "기사 문의는 help@example-press.kr 로 보내 주세요.\n제보도 받습니다.", "최신 뉴스",
    ]  # fmt: skip   # the translated "구독" and the obsolete entry are not blocks
    doc = _translate(doc)
    doc.blocks[-1].segments[0].origin = "tm-fuzzy"  # "최신 뉴스" from a fuzzy memory match
    doc.blocks[0].segments[0].origin = "tm-exact"
    out = render(doc)
    store = pofile.parsestring(out)
    units = {(u.getcontext(), str(u.source) if not u.hasplural() else u.source.strings[0]): u for u in store.units}
    assert str(units[("menu", "경제")].target) == "[en] 경제"
    assert not units[("menu", "경제")].isfuzzy()
    assert str(units[("kicker", "경제")].target) == "[en] 경제"
    assert str(units[("", "%(name)s 기자")].target) == "[en] %(name)s 기자"
    plural = units[("", "경기도 기사 %d건")]
    assert plural.target.strings == ["[en] 경기도 기사 %d건", "[en] 경기도 기사 %d건"]
    footer = next(u for u in store.units if "제보" in str(u.source))
    assert str(footer.target) == "[en] 기사 문의는 help@example-press.kr 로 보내 주세요.\n[en] 제보도 받습니다.\n"
    assert str(units[("", "구독")].target) == "Subscribe" and not units[("", "구독")].isfuzzy()  # kept
    latest = units[("", "최신 뉴스")]
    assert str(latest.target) == "[en] 최신 뉴스" and latest.isfuzzy()
    obsolete = next(u for u in store.units if u.isobsolete())
    assert (str(obsolete.source), str(obsolete.target)) == ("옛 문구", "Old text")
    header = store.parseheader()
    assert header["Language"] == "en" and header["Plural-Forms"] == "nplurals=2; plural=(n != 1);"
    assert header["Last-Translator"] == "Desk <desk@example-press.kr>"
    # reading back equals the input except the msgstr values and fuzzy flags
    assert _po_units(out) == _po_units(data)
    assert b"#. The same word as a headline kicker\n" in out and b'#| msgid "\xec\xb5\x9c\xec\x8b\xa0 \xea\xb8\xb0\xec\x82\xac"' in out


def test_pot_en_ko_becomes_a_korean_po():
    from translate.storage.pypo import pofile

    data = (DATA / "site-en.pot").read_bytes()
    out = render(_translate(DATA / "site-en.pot", "en", "ko"))
    store = pofile.parsestring(out)
    header = store.parseheader()
    assert header["Language"] == "ko"
    assert header["Plural-Forms"] == "nplurals=1; plural=0;"  # Korean has one plural form
    assert header["Content-Type"] == "text/plain; charset=UTF-8"
    assert not store.header().isfuzzy()  # a template's fuzzy header is cleared: a PO now
    plural = next(u for u in store.units if u.hasplural())
    assert plural.target.strings == ["[ko] %d new articles"]  # msgstr[0] only: the plural's translation
    button = next(u for u in store.units if u.getcontext() == "button")
    assert str(button.target) == "[ko] Share"
    story = next(u for u in store.units if "{site}" in str(u.source))
    assert str(story.target) == "[ko] Read the full story on {site}."
    assert _po_units(out) == _po_units(data)
    assert b'msgstr[0] "[ko] %d new articles"\n\n' in out and b"msgstr[1]" not in out


def test_po_placeholders_are_protected():
    doc = parse(b'msgid "%(count)d <b>%s</b> {name} at https://example.com/x"\nmsgstr ""\n', "po", name="p.po")[0]
    block = doc.blocks[0]
    assert [block.text[s:e] for s, e in block.protected] == ["%(count)d", "<b>", "%s", "</b>", "{name}", "https://example.com/x"]


# -- the CLI: bad input, languages, and the real transformers path ---------------------------------

XXE = b"""<?xml version="1.0"?>
<!DOCTYPE xliff [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2"><file source-language="ko" datatype="plaintext" original="a">
<body><trans-unit id="1"><source>&xxe;</source></trans-unit></body></file></xliff>"""
LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<xliff version="2.0" xmlns="urn:oasis:names:tc:xliff:document:2.0" srcLang="ko"><file id="f"><unit id="u"><segment>
<source>&lol3;</source></segment></unit></file></xliff>"""
EXTERNAL_DTD = """<?xml version="1.0"?>
<!DOCTYPE xliff SYSTEM "http://127.0.0.1:9/xliff.dtd">
<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2"><file source-language="ko" datatype="plaintext" original="a">
<body><trans-unit id="1"><source>안녕</source></trans-unit></body></file></xliff>""".encode()


@pytest.mark.parametrize(
    ("filename", "content", "message"),
    [
        ("bad.xlf", b'<?xml version="1.0"?><xliff version="1.2"><file><body><trans-unit id="1"><source>a</trans-unit>', "not well-formed XML"),
        ("xxe.xlf", XXE, "declares entities"),
        ("laughs.xlf", LAUGHS, "declares entities"),
        ("dtd.xlf", EXTERNAL_DTD, "external DTD"),
        ("page.xlf", b'<?xml version="1.0"?><html><body>x</body></html>', "not <xliff>"),
        ("old.xlf", b'<?xml version="1.0"?><xliff version="3.0"><file/></xliff>', "version 3.0 is not supported"),
        ("bad.po", 'msgid "경제\nmsgstr ""\n'.encode(), "not a valid PO file"),
        ("junk.po", 'msgid "경제"\nmsgstr ""\n이건 PO가 아니다\n'.encode(), "line 3"),
        ("lang.xlf", (DATA / "article-1.2.xlf").read_bytes().replace(b'source-language="ko-KR"', b'source-language="en-US"'), "source language is 'en-US'"),
        ("lang.po", (DATA / "news-ko.po").read_bytes().replace(b"Language: en", b"Language: ja"), "target language is 'ja'"),
    ],
    ids=["malformed", "xxe", "billion-laughs", "external-dtd", "not-xliff", "xliff-3", "po-syntax", "po-junk", "xliff-lang", "po-lang"],
)
def test_bad_input_is_one_error_line(tmp_path, filename, content, message):
    src = tmp_path / filename
    src.write_bytes(content)
    out = tmp_path / ("out" + src.suffix)
    code, stderr = cli("translate", str(src), "-o", str(out), "--model", str(tmp_path / "no-model"), "-q")
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert code == 2, stderr
    assert len(lines) == 1 and lines[0].startswith("error: ") and message in lines[0], stderr
    assert str(src) in lines[0] and "Traceback" not in stderr
    assert not out.exists() and src.read_bytes() == content


def test_xxe_payload_never_reads_the_file(tmp_path):
    from bilingual.errors import InputError

    with pytest.raises(InputError):
        parse(XXE, "xliff", name="x.xlf")
    with pytest.raises(InputError):
        parse(LAUGHS, "xliff", name="l.xlf")


@pytest.mark.parametrize("name", ["article-2.0.xlf", "article-1.2.xlf", "news-ko.po"])
def test_translate_cli_tiny_model_with_glossary(tmp_path, tiny_marian_ko_en, name):
    """``bilingual translate FILE -o OUT`` through transformers with a tiny Marian and names.tsv."""
    src = DATA / name
    out, report = tmp_path / ("out" + src.suffix), tmp_path / "report.json"
    code, stderr = cli(
        "translate", str(src), "-o", str(out), "--model", str(tiny_marian_ko_en), "--glossary",
        str(REPO / "glossaries" / "names.tsv"), "--report", str(report), "--beams", "1", "--max-length", "16", "-q",
    )  # fmt: skip
    assert code == 0, stderr
    data = src.read_bytes()
    written = out.read_bytes()
    terms = [t for s in json.loads(report.read_text(encoding="utf-8"))["segments"] for t in s["terms"]]
    assert any(t["source"] == "경기도" and t["status"] != "missed" for t in terms), terms
    assert b"Gyeonggi Province" in written
    if name.endswith(".po"):
        from translate.storage.pypo import pofile

        assert _po_units(written) == _po_units(data)
        store = pofile.parsestring(written)
        todo = [u for u in store.units if not u.isheader() and not u.isobsolete()]
        assert all(str(u.target).strip() for u in todo)
        return
    assert _shape(_tree(written), drop_targets=True) == _shape(_tree(data), drop_targets=True)
    version = "2.0" if "2.0" in name else "1.2"
    assert [u[:3] for u in _toolkit_units(written, version)] == [u[:3] for u in _toolkit_units(data, version)]
    targets = _targets(written)
    if version == "2.0":
        assert targets["lead/s1"][0].count('<pc id="1" dataRefStart="d1" dataRefEnd="d2"') == 1
        assert targets["lead/s1"][1] == {"state": "translated", "subState": "bilingual:mt"}
    else:
        assert targets["lead"][0].count('<g id="2" ctype="bold"') == 1 and '<x id="3" ctype="lb"/>' in targets["lead"][0]
        assert targets["photo"][0].count('<ph id="5" ctype="image">') == 1
