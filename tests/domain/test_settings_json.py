"""Weights read back from JSON, including six weights saved before clearance was scored."""

from __future__ import annotations

from sourcing_app.domain.settings import DEFAULT_WEIGHTS, ScoringSettings


def test_seven_saved_weights_come_back_as_saved() -> None:
    saved = {"fill": 30, "on_time": 10, "lead_time": 15, "quality": 15, "price": 10,
             "channel": 10, "clearance": 10}  # fmt: skip
    assert ScoringSettings.from_json({"weights": saved}).weights == {
        k: float(v) for k, v in saved.items()
    }


def test_the_earlier_six_defaults_become_todays_defaults() -> None:
    old = {"fill": 25, "on_time": 25, "lead_time": 15, "quality": 15, "price": 10, "channel": 10}
    assert ScoringSettings.from_json({"weights": old}).weights == DEFAULT_WEIGHTS


def test_a_buyers_own_six_weights_keep_their_shares_with_clearance_at_zero() -> None:
    # Fill 40 of 100 stays 40% of the stability score: clearance weighs nothing
    # until the buyer gives it a weight (the rule of the database upgrade).
    own = {"fill": 40, "on_time": 20, "lead_time": 10, "quality": 10, "price": 10, "channel": 10}
    settings = ScoringSettings.from_json({"weights": own})
    assert settings.weights == {**{k: float(v) for k, v in own.items()}, "clearance": 0.0}
    assert settings.normalised_weights()["fill"] == 0.4


def test_no_weights_saved_means_todays_defaults() -> None:
    assert ScoringSettings.from_json({}).weights == DEFAULT_WEIGHTS
    assert ScoringSettings.from_json({"weights": {}}).weights == DEFAULT_WEIGHTS
