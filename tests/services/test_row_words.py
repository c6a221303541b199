"""Rows named to the buyer: dates as words and a return's reason named, in both languages.

The audit trail keeps the natural key with ISO dates and codes (the same
whoever saved it); the Edit menu's undo and the messages read it in words.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from sourcing_app import i18n
from sourcing_app.services.editing.rows import key_in_words, label_in_words


@pytest.fixture
def chinese() -> Iterator[None]:
    i18n.install(i18n.CHINESE)
    yield
    i18n.install(i18n.ENGLISH)


def test_keys_read_in_words() -> None:
    assert key_in_words("delivery", "PO-1001 on 2026-03-12") == "PO-1001, delivered 12 Mar 2026"
    assert (
        key_in_words("return", "M1 on 2026-04-10 (suspected_counterfeit)")
        == "M1, returned 10 Apr 2026 (Suspected counterfeit)"
    )
    assert (
        key_in_words("quote", "S-VERT / SKU-1 from 2026-01-05 (min 1200)")
        == "S-VERT / SKU-1 from 5 Jan 2026 (minimum 1,200)"
    )
    assert (
        key_in_words("quote", "S-VERT / SKU-1 with no start date (min 50)")
        == "S-VERT / SKU-1, no start date (minimum 50)"
    )


def test_a_key_of_another_form_is_left_as_it_is() -> None:
    assert key_in_words("supplier", "S-VERT") == "S-VERT"
    assert key_in_words("delivery", "PO on the quay") == "PO on the quay"
    # A delivery key with a reason is not a delivery's; a return's without one is not a return's.
    assert key_in_words("delivery", "M1 on 2026-04-10 (damaged)") == "M1 on 2026-04-10 (damaged)"
    assert key_in_words("return", "M1 on 2026-04-10") == "M1 on 2026-04-10"


def test_a_label_keeps_its_entity_word() -> None:
    assert (
        label_in_words("delivery", "delivery L1 on 2026-02-09")
        == "delivery L1, delivered 9 Feb 2026"
    )
    assert label_in_words("supplier", "supplier S-VERT") == "supplier S-VERT"


def test_in_chinese(chinese: None) -> None:
    assert key_in_words("delivery", "PO-1001 on 2026-03-12") == "PO-1001，2026年3月12日到货"
    assert (
        key_in_words("return", "M1 on 2026-04-10 (suspected_counterfeit)")
        == "M1，2026年4月10日售后退货（疑似假货）"
    )
    assert (
        key_in_words("quote", "S-VERT / SKU-1 from 2026-01-05 (min 1200)")
        == "S-VERT / SKU-1，2026年1月5日起生效（最小起订量 1,200）"
    )
    assert label_in_words("delivery", "到货 L1 on 2026-02-09") == "到货 L1，2026年2月9日到货"


def test_the_edit_menu_names_a_delivery_in_words() -> None:
    from sourcing_app.services.editing.outcomes import Saved
    from sourcing_app.ui.shell.undo_commands import undo_text

    saved = Saved("delivery", 7, "edited", 2, "delivery L1 on 2026-02-09")
    assert undo_text(saved) == "Edit delivery L1, delivered 9 Feb 2026"


def test_the_edit_menu_names_a_delivery_in_chinese_words(chinese: None) -> None:
    from sourcing_app.services.editing.outcomes import Saved
    from sourcing_app.ui.shell.undo_commands import undo_text

    saved = Saved("delivery", 7, "edited", 2, "到货 L1 on 2026-02-09")
    assert undo_text(saved) == "编辑到货 L1，2026年2月9日到货"
