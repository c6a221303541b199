"""A supplier whose goods came back as suspected fakes gets nothing in a plan."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal as D

from sourcing_app import i18n
from sourcing_app.domain.allocation import LineStatus, allocate_brand
from tests.domain.test_allocation import NO_FLOOR, brand, option


def test_a_suspected_counterfeit_gets_no_volume_and_says_why() -> None:
    # S-1 would earn 60 a unit and take its 60% cap of 1,000; flagged, it is left out,
    # and S-2 (40 a unit) is the only eligible channel: no cap, all 1,000 units.
    fakes = replace(option("S-1", "60"), counterfeit_suspected=True)
    result = allocate_brand(brand(1000, fakes, option("S-2", "40")), NO_FLOOR)
    lines = {line.supplier_code: line for line in result.lines}
    assert lines["S-1"].units == 0
    assert lines["S-1"].status is LineStatus.EXCLUDED
    assert lines["S-1"].reason == (
        "excluded: customers returned its goods as suspected counterfeits"
    )
    assert lines["S-2"].units == 1000
    assert result.expected_margin == D("40000.00")  # 1,000 × 40


def test_the_shortfall_names_the_counterfeit_exclusion() -> None:
    # Only a flagged supplier: 500 units uncovered, and the reason says why.
    fakes = replace(option("S-1", "60"), counterfeit_suspected=True)
    result = allocate_brand(brand(500, fakes), NO_FLOOR)
    assert result.uncovered == 500
    assert "suspected counterfeit returned" in result.shortfall


def test_in_chinese_the_reason_uses_the_glossarys_words() -> None:
    i18n.install(i18n.CHINESE)
    fakes = replace(option("S-1", "60"), counterfeit_suspected=True)
    result = allocate_brand(brand(1000, fakes, option("S-2", "40")), NO_FLOOR)
    line = next(line for line in result.lines if line.supplier_code == "S-1")
    assert "疑似假货" in line.reason
    # Files keep English whatever the language.
    assert line.file_reason == "excluded: customers returned its goods as suspected counterfeits"
