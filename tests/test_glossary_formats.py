"""Glossary files: canonical TSV, CSV, plain two-column files, TBX, merging (must-show 4: round trips)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bilingual.cli.app import app
from bilingual.errors import GlossaryError
from bilingual.glossary import Comment, Term, dump, load_glossaries, load_glossary, parse

ROOT = Path(__file__).resolve().parent.parent
NAMES = ROOT / "glossaries" / "names.tsv"
HEADER = "korean\tenglish\tkorean_forms\twrong_english\tkind\tstatus\tnote"

RICH = (
    "# leading comment, with commas, -- dashes --- and a back\\slash\n"
    f"{HEADER}\n"
    "김문수\tKim Moon-soo\t김 지사 | 김문수 지사\tKim Mun-su | Kim Mun-soo\tperson\tapproved\tgovernor, 2006-2014\n"
    "\n"
    "# --- organisations ---\n"
    '러시아기술공사\tRussian Technologies State Corp.\t러시아 기술공사 | 로스텍\tRussian Technology Corporation\torganisation\tapproved\tsays "Rostec"\n'
    "김문수\tKim Mun-su\t\t\tperson\tforbidden\told spelling\n"
    "경기도\tGyeonggi-do\t\t\tplace\tdeprecated\t\n"
    "경기도\tGyeonggi Province\t\tKyonggi Province\tplace\tapproved\t\n"
    "# trailing comment\n"
)


def test_tsv_keeps_comments_order_and_bytes(tmp_path: Path):
    path = tmp_path / "g.tsv"
    path.write_text(RICH, encoding="utf-8")
    glossary = load_glossary(path)
    assert [t.korean for t in glossary.terms] == ["김문수", "러시아기술공사", "김문수", "경기도", "경기도"]
    assert glossary.terms[0].korean_forms == ("김 지사", "김문수 지사")
    assert glossary.terms[0].line == 3
    assert isinstance(glossary.entries[1], Comment)
    assert dump(glossary, "tsv") == RICH


def test_names_glossary_round_trips_byte_for_byte():
    text = NAMES.read_text(encoding="utf-8")
    assert dump(load_glossary(NAMES), "tsv") == text


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("김\tKim\t\t\tperson\tapproved", "expected 7 tab-separated fields"),
        ("김\tKim\t\t\tperson\tapproved\t\textra", "found 8"),
        ("\tKim\t\t\tperson\tapproved\t", "korean field is empty"),
        ("김\t \t\t\tperson\tapproved\t", "english field is empty"),
        ("김\tKim\t\t\tpeople\tapproved\t", "kind 'people'"),
        ("김\tKim\t\t\tperson\tok\t", "status 'ok'"),
    ],
)
def test_malformed_row_names_file_and_line(tmp_path: Path, row: str, message: str):
    path = tmp_path / "bad.tsv"
    path.write_text(f"# c\n{HEADER}\n이란\tIran\t\t\tplace\tapproved\t\n{row}\n", encoding="utf-8")
    with pytest.raises(GlossaryError) as info:
        load_glossary(path)
    assert f"{path}:4:" in str(info.value)
    assert message in str(info.value)


def test_misspelt_header_is_an_error(tmp_path: Path):
    path = tmp_path / "bad.tsv"
    path.write_text("korean\tenglish\tforms\n김\tKim\tx\n", encoding="utf-8")
    with pytest.raises(GlossaryError, match="header row must be exactly"):
        load_glossary(path)


def test_cli_malformed_glossary_is_one_line(tmp_path: Path):
    import subprocess
    import sys

    path = tmp_path / "bad.tsv"
    path.write_text(f"{HEADER}\n김\tKim\n", encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "bilingual", "glossary", "list", "-g", str(path)],
        capture_output=True, text=True, check=False,
    )
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines() == [f"error: {path}:2: expected 7 tab-separated fields (korean, english, korean_forms, wrong_english, kind, status, note), found 2"]
    assert "Traceback" not in proc.stderr


# ------------------------------------------------------------------ round trips (must-show 4)


def test_tbx_canonical_tbx_round_trip_loses_nothing():
    glossary = parse(RICH, "tsv")
    tbx = dump(glossary, "tbx")
    back = parse(tbx, "tbx")
    # every field of every row, the comments and their places
    assert back.entries == glossary.entries
    assert back.preamble == glossary.preamble
    assert [t.wrong_english for t in back.terms] == [t.wrong_english for t in glossary.terms]
    assert dump(back, "tbx") == tbx
    assert dump(back, "tsv") == RICH


def test_tbx_uses_native_elements():
    tbx = dump(parse(RICH, "tsv"), "tbx")
    assert '<langSet xml:lang="ko">' in tbx and '<langSet xml:lang="en">' in tbx
    assert "deprecatedTerm-admn-sts" in tbx  # wrong renderings and the forbidden row
    assert "supersededTerm-admn-sts" in tbx  # the deprecated row
    assert '<descrip type="x-kind">organisation</descrip>' in tbx
    assert "<note>says &quot;Rostec&quot;</note>" in tbx or '<note>says "Rostec"</note>' in tbx


@pytest.mark.parametrize(("ko", "en"), [("ko", "en"), ("ko-KR", "en-US")])
def test_tbx_from_another_tool_imports(tmp_path: Path, ko: str, en: str):
    tbx = f"""<?xml version="1.0" encoding="UTF-8"?>
<martif type="TBX" xml:lang="{en}"><martifHeader><fileDesc><sourceDesc><p>x</p></sourceDesc></fileDesc></martifHeader>
<text><body>
<termEntry id="t1"><langSet xml:lang="{en}"><tig><term>Moscow</term></tig><tig><term>Moskva</term>
<termNote type="administrativeStatus">admittedTerm-admn-sts</termNote></tig></langSet>
<langSet xml:lang="{ko}"><tig><term>모스크바</term></tig></langSet></termEntry>
</body></text></martif>"""
    path = tmp_path / "other.tbx"
    path.write_text(tbx, encoding="utf-8")
    (term,) = load_glossary(path).terms
    assert (term.korean, term.english, term.kind, term.status) == ("모스크바", "Moscow", "other", "approved")
    assert "Moskva" in term.note  # an admitted synonym has no column: kept visible in the note


def test_csv_canonical_csv_round_trip_loses_nothing():
    glossary = parse(RICH, "tsv")
    csv_text = dump(glossary, "csv")
    back = parse(csv_text, "csv")
    assert back.entries == glossary.entries and back.preamble == glossary.preamble
    assert dump(back, "csv") == csv_text
    assert dump(back, "tsv") == RICH


@pytest.mark.parametrize(
    "plain",
    [
        '김문수,Kim Moon-soo\n"김, 문수","Kim, ""Moon"""\n',
        'ko,en\n모스크바,Moscow\n# a comment\n러시아,Russia\n',
        'en,ko\nMoscow,모스크바\n',
    ],
)
def test_plain_csv_round_trip(plain: str):
    glossary = parse(plain, "csv")
    assert glossary.layout == "plain"
    assert all("\uac00" <= t.korean[0] <= "\ud7a3" for t in glossary.terms)  # Korean column found
    assert dump(glossary, "csv") == plain


def test_plain_tsv_as_deepl_uses(tmp_path: Path):
    path = tmp_path / "deepl.tsv"
    path.write_text("김문수\tKim Moon-soo\n모스크바\tMoscow\n", encoding="utf-8")
    glossary = load_glossary(path)
    assert [(t.korean, t.english, t.kind, t.status) for t in glossary.terms] == [
        ("김문수", "Kim Moon-soo", "other", "approved"), ("모스크바", "Moscow", "other", "approved")]
    assert dump(glossary, "tsv") == path.read_text(encoding="utf-8")


def test_plain_file_with_three_columns_is_an_error(tmp_path: Path):
    path = tmp_path / "x.csv"
    path.write_text("김문수,Kim Moon-soo\n모스크바,Moscow,extra\n", encoding="utf-8")
    with pytest.raises(GlossaryError, match=r"x\.csv:2: expected 2 comma-separated"):
        load_glossary(path)


def test_cli_export_import_round_trip(tmp_path: Path):
    runner = CliRunner()
    for fmt in ("tbx", "csv"):
        exported = tmp_path / f"names.{fmt}"
        imported = tmp_path / f"back-{fmt}.tsv"
        assert runner.invoke(app, ["glossary", "export", str(NAMES), str(exported)]).exit_code == 0
        assert runner.invoke(app, ["glossary", "import", str(exported), str(imported)]).exit_code == 0
        assert imported.read_text(encoding="utf-8") == NAMES.read_text(encoding="utf-8")
    plain = tmp_path / "deepl.csv"
    assert runner.invoke(app, ["glossary", "export", str(NAMES), str(plain), "--to", "plain-csv"]).exit_code == 0
    lines = plain.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "김문수,Kim Moon-soo" and all(line.count(",") == 1 for line in lines)


# ------------------------------------------------------------------ several glossaries


def test_later_glossary_overrides_and_is_reported(tmp_path: Path):
    first = tmp_path / "a.tsv"
    second = tmp_path / "b.csv"
    first.write_text(f"{HEADER}\n김문수\tKim Mun-su\t\t\tperson\tapproved\t\n모스크바\tMoscow\t\t\tplace\tapproved\t\n", encoding="utf-8")
    second.write_text("ko,en\n김문수,Kim Moon-soo\n", encoding="utf-8")
    merged = load_glossaries([first, second])
    assert [(t.korean, t.english) for t in merged.terms] == [("김문수", "Kim Moon-soo"), ("모스크바", "Moscow")]
    (override,) = merged.overrides
    assert "b.csv:2 overrides" in override.describe() and "a.tsv:2" in override.describe()
    result = CliRunner().invoke(app, ["glossary", "match", "-g", str(first), "-g", str(second)], input="김문수는")
    assert result.exit_code == 0
    assert '"english": "Kim Moon-soo"' in result.stdout
    assert "overrides" in result.stderr and "'Kim Mun-su' -> 'Kim Moon-soo'" in result.stderr


def test_forbidden_rows_become_wrong_renderings():
    glossary = parse(RICH, "tsv")
    kim = next(t for t in glossary.effective_terms() if t.korean == "김문수")
    assert kim.english == "Kim Moon-soo"
    assert "Kim Mun-su" in kim.wrong_english
    gyeonggi = next(t for t in glossary.effective_terms() if t.korean == "경기도")
    assert "Gyeonggi-do" in gyeonggi.wrong_english


def test_term_made_in_memory_writes_canonical_row():
    from bilingual.glossary.io import format_row

    assert format_row(Term("이란", "Iran", kind="place")) == "이란\tIran\t\t\tplace\tapproved\t"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("<martif><text><body><termEntry", "malformed TBX"),
        ('<?xml version="1.0"?><martif type="TBX"><text><body><termEntry><langSet xml:lang="en"><tig><term>Moscow</term>'
         "</tig></langSet></termEntry></body></text></martif>", "without a Korean (ko) term"),
    ],
)
def test_bad_tbx_is_a_glossary_error(tmp_path: Path, text: str, message: str):
    path = tmp_path / "bad.tbx"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(GlossaryError, match=re.escape(message)):
        load_glossary(path)
