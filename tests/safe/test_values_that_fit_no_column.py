"""Values no column can hold are bad input, in files and in forms alike (docs/bad-input.md).

Every whole-number column is a 32-bit INTEGER on PostgreSQL: at most
2,147,483,647. Money is Numeric(16, 4): below 10^12, so at most
999,999,999,999.9999. Exchange rates are Numeric(20, 10): at most 9,999,999,999.9999999999.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from sqlalchemy import Engine

from sourcing_app.cli import main
from sourcing_app.services.editing import EditingService
from tests.services.hand_portfolio_db import ids, load_hand_portfolio
from tests.services.test_importing import import_text, problem_lines, seed, snapshot

SUPPLIERS = "code,name,country,kind,monthly_capacity,contact,notes\n"
BRANDS = "name,origin_country,category,hot_selling,planned_monthly_demand,target_retail_price\n"
FX = "currency,date,rate_to_home\n"
INT_MOST = "at most 2,147,483,647"
MONEY_MOST = "at most 999,999,999,999.9999"

CASES: list[tuple[str, str, str, list[str]]] = [
    (
        "1e308 as a capacity (was 'Python int too large')",
        "suppliers",
        SUPPLIERS + "X1,Ex,CN,trader,1e308,,\n",
        [f"line 2, column monthly_capacity: 1e308 is too large; this column holds {INT_MOST}"],
    ),
    (
        "twenty nines as a capacity",
        "suppliers",
        SUPPLIERS + "X1,Ex,CN,trader,99999999999999999999,,\n",
        [
            "line 2, column monthly_capacity: 99999999999999999999 is too large; "
            f"this column holds {INT_MOST}"
        ],
    ),
    (
        # 2^31 - 1 fits, 2^31 does not.
        "one past the 32-bit integer",
        "suppliers",
        SUPPLIERS + "X1,Ex,CN,trader,2147483647,,\nX2,Ex,CN,trader,2147483648,,\n",
        [f"line 3, column monthly_capacity: 2147483648 is too large; this column holds {INT_MOST}"],
    ),
    (
        "nan, inf and -inf as whole numbers",
        "suppliers",
        SUPPLIERS + "X1,A,CN,trader,nan,,\nX2,B,CN,trader,inf,,\nX3,C,CN,trader,-inf,,\n",
        [
            "line 2, column monthly_capacity: 'nan' is not a whole number",
            "line 3, column monthly_capacity: 'inf' is not a whole number",
            "line 4, column monthly_capacity: '-inf' is not a whole number",
        ],
    ),
    (
        "money beyond Numeric(16, 4), and nan as money",
        "brands",
        BRANDS + "B1,JP,,,,99999999999999999999\nB2,JP,,,,1e308\nB3,JP,,,,nan\nB4,JP,,,,inf\n",
        [
            f"line 2, column target_retail_price: 99999999999999999999 is too large; "
            f"this column holds {MONEY_MOST}",
            "line 3, column target_retail_price: 1e308 is too large; "
            f"this column holds {MONEY_MOST}",
            "line 4, column target_retail_price: 'nan' is not a number",
            "line 5, column target_retail_price: 'inf' is not a number",
        ],
    ),
    (
        "an exchange rate beyond Numeric(20, 10)",
        "fx-rates",
        FX + "JPY,2026-01-02,10000000000\n",
        [
            "line 2, column rate_to_home: 10000000000 is too large; "
            "this column holds at most 9,999,999,999.9999999999"
        ],
    ),
    (
        "a NUL in a supplier code, an escape in a name, a tab in a contact",
        "suppliers",
        SUPPLIERS + "X\x001,Ex,CN,trader,,,\nX2,E\x1bx,CN,trader,,,\nX3,Ex,CN,trader,,a\tb,\n",
        [
            "line 2, column code: holds a control character (NUL) at character 2; "
            "remove it (only notes may hold tabs and line breaks)",
            "line 3, column name: holds a control character (U+001B) at character 2; "
            "remove it (only notes may hold tabs and line breaks)",
            "line 4, column contact: holds a control character (tab) at character 2; "
            "remove it (only notes may hold tabs and line breaks)",
        ],
    ),
    (
        "a NUL in notes, where a tab is fine",
        "suppliers",
        SUPPLIERS + 'X1,Ex,CN,trader,,,"tab\there"\nX2,Ex,CN,trader,,,"nul\x00"\n',
        [
            "line 3, column notes: holds a control character (NUL) at character 4; "
            "remove it (only notes may hold tabs and line breaks)"
        ],
    ),
    (
        # supplier.code is VARCHAR(40) and name VARCHAR(200).
        "text longer than its column",
        "suppliers",
        SUPPLIERS + f"{'C' * 41},Ex,CN,trader,,,\nX2,{'n' * 201},CN,trader,,,\n",
        [
            "line 2, column code: is 41 characters long; at most 40 fit",
            "line 3, column name: is 201 characters long; at most 200 fit",
        ],
    ),
]


@pytest.mark.parametrize(
    ("kind", "content", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_a_value_no_column_holds_is_named_and_nothing_is_written(
    engine: Engine, tmp_path: Path, kind: str, content: str, expected: list[str]
) -> None:
    seed(engine, tmp_path, upto="channels")
    before = snapshot(engine)
    result = import_text(engine, tmp_path, kind, content)
    assert problem_lines(result) == expected
    assert snapshot(engine) == before


def test_the_command_line_exits_2_with_the_reason_not_unexpected_error(
    db_url: str, tmp_path: Path
) -> None:
    path = tmp_path / "suppliers.csv"
    path.write_text(SUPPLIERS + "X1,Ex,CN,trader,1e308,,\n", encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    assert main(["--db", db_url, "import", "suppliers", str(path)], out, err) == 2
    assert "unexpected error" not in err.getvalue()
    assert "line 2, column monthly_capacity: 1e308 is too large" in err.getvalue()


def test_a_tab_in_notes_goes_in(engine: Engine, tmp_path: Path) -> None:
    result = import_text(engine, tmp_path, "suppliers", SUPPLIERS + 'X1,Ex,CN,trader,,,"a\tb"\n')
    assert result.problems == []
    assert result.added == 1


def test_the_forms_refuse_the_same_values_in_the_same_words(engine: Engine, tmp_path: Path) -> None:
    load_hand_portfolio(engine, tmp_path)
    portfolio = ids(engine)
    service = EditingService(engine, who=lambda: "mei")
    problems = service.check(
        "supplier",
        {
            "code": "S-\x00NEW",
            "name": "n" * 201,
            "kind": "trader",
            "monthly_capacity": "1e308",
            "contact": "a\tb",
            "notes": "a\tb",
        },
    )
    assert problems == {
        "code": "holds a control character (NUL) at character 3; "
        "remove it (only notes may hold tabs and line breaks)",
        "name": "is 201 characters long; at most 200 fit",
        "monthly_capacity": f"1e308 is too large; this column holds {INT_MOST}",
        "contact": "holds a control character (tab) at character 2; "
        "remove it (only notes may hold tabs and line breaks)",
    }
    quote = {
        "supplier_id": portfolio["S-COMP"],
        "product_id": portfolio["AUR-SERUM"],
        "unit_price": "99999999999999999999",
        "currency": "EUR",
        "min_qty": "2147483648",
    }
    assert service.check("quote", quote) == {
        "unit_price": f"99999999999999999999 is too large; this column holds {MONEY_MOST}",
        "min_qty": f"2147483648 is too large; this column holds {INT_MOST}",
    }
