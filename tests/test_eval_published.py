"""Must-show 1: `bilingual eval` reproduces every published BLEU and chrF++ in MANIFEST.tsv.

The outputs, MANIFEST.tsv and README are an in-repo copy of shared/data/system-outputs
(tests/data/system-outputs, with ATTRIBUTION.md), scored against the shipped corpora.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from eval_helpers import CORPUS_OF, DIRECTION, SYSTEM_OUTPUTS, invoke_json, manifest_rows


def _decimals(published: str) -> int:
    return -Decimal(published).as_tuple().exponent


ROWS = manifest_rows()


def test_manifest_lists_every_output_file():
    listed = {row["file"] for row in ROWS}
    on_disk = {str(p.relative_to(SYSTEM_OUTPUTS)) for p in SYSTEM_OUTPUTS.glob("*/*/*.txt")}
    assert listed == on_disk
    assert len(ROWS) == 7


@pytest.mark.parametrize("row", ROWS, ids=[f"{r['corpus']}-{r['direction']}-{r['model'].split('/')[-1]}" for r in ROWS])
def test_eval_reproduces_published_bleu_and_chrfpp(row):
    src, tgt = DIRECTION[row["direction"]]
    report = invoke_json(
        "eval",
        "--corpus", CORPUS_OF[row["corpus"]],
        "--from", src,
        "--to", tgt,
        "--hyp", str(SYSTEM_OUTPUTS / row["file"]),
        "--metrics", "bleu,chrf++",
    )
    bleu_places = _decimals(row["bleu"])
    chrf_places = _decimals(row["chrf++"])
    # BLEU published on 0-100, chrF++ on a 0-1 scale: compare at the published precision
    assert round(report["bleu"], bleu_places) == pytest.approx(float(row["bleu"]), abs=1e-9)
    assert round(report["chrf++"] / 100, chrf_places) == pytest.approx(float(row["chrf++"]), abs=1e-9)
    assert "tok:13a" in report["signatures"]["bleu"]
    assert "nw:2" in report["signatures"]["chrf++"]
    assert report["segments"] == sum(a["segments"] for a in report["articles"])
