"""Target status: ordered rules, ranges and bounds, forecasts, monotone in the latest value."""

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from stiplan.analytics.targets import (
    ACHIEVED,
    AT_RISK,
    NO_DATA,
    OFF_TRACK,
    ON_TRACK,
    Bar,
    assess,
    linear_forecast,
    worse,
)

INVESTMENT_2025 = Bar(2025, "range", low=1.2, high=1.5)  # "1,2% - 1,5%"
TFP_2030 = Bar(2030, "gt", value=50)  # "trên 50%"


def test_no_values_no_status():
    assert assess(TFP_2030, {}).status == NO_DATA


def test_the_milestone_year_decides():
    assert assess(INVESTMENT_2025, {2023: 0.8, 2025: 1.3}).status == ACHIEVED
    assert assess(INVESTMENT_2025, {2023: 0.8, 2025: 1.1}).status == OFF_TRACK
    assert assess(INVESTMENT_2025, {2025: 1.7}).status == ACHIEVED  # above the band is fine


def test_strictly_above_means_above():
    assert assess(TFP_2030, {2030: 50.0}).status == OFF_TRACK
    assert assess(TFP_2030, {2030: 50.1}).status == ACHIEVED


def test_a_steady_trend_reaching_the_target_is_on_track():
    result = assess(INVESTMENT_2025, {2020: 0.6, 2021: 0.75, 2022: 0.9, 2023: 1.0, 2024: 1.12})
    assert result.status == ON_TRACK and result.rule == 4
    assert result.forecast.value == pytest.approx(1.26, abs=0.01)
    assert "2024" in result.vi and "1,2" in result.vi and "xu hướng 2020–2024" in result.vi


def test_a_trend_falling_short_but_on_70_percent_of_the_path_is_at_risk():
    result = assess(INVESTMENT_2025, {2020: 0.6, 2021: 0.7, 2022: 0.8, 2023: 0.9, 2024: 1.05})
    assert result.status == AT_RISK
    assert result.rule == 5 and result.forecast.value == pytest.approx(1.14, abs=0.01)


def test_a_flat_series_far_from_the_target_is_off_track():
    result = assess(INVESTMENT_2025, {2020: 0.5, 2021: 0.5, 2022: 0.52, 2023: 0.5, 2024: 0.51})
    assert result.status == OFF_TRACK and result.rule == 6


def test_a_noisy_series_whose_interval_reaches_the_target_is_at_risk():
    result = assess(TFP_2030, {2020: 30, 2021: 45, 2022: 28, 2023: 44, 2024: 33})
    assert result.status == AT_RISK


def test_lower_is_better_is_mirrored():
    poverty = Bar(2025, "lte", value=2.0, higher_is_better=False)
    assert assess(poverty, {2025: 1.8}).status == ACHIEVED
    assert assess(poverty, {2020: 5.0, 2021: 4.4, 2022: 3.8, 2023: 3.2, 2024: 2.6}).status == ON_TRACK


def test_linear_forecast_interval_contains_the_trend():
    f = linear_forecast({2020: 1.0, 2021: 2.1, 2022: 2.9, 2023: 4.2}, 2025)
    assert f.low < f.value < f.high and f.value == pytest.approx(6.0, abs=0.3)


values = st.floats(0, 100, allow_nan=False)
series = st.dictionaries(st.integers(2018, 2024), values, min_size=1, max_size=7)
bars = st.builds(Bar, st.integers(2025, 2030), st.sampled_from(["gt", "gte", "range"]),
                 value=st.floats(1, 90), low=st.floats(1, 50), high=st.floats(50, 90))


@given(bars, series, values, values)
def test_a_better_latest_value_never_gives_a_worse_status(bar, history, a, b):
    latest = max(history)
    worse_value, better_value = sorted((a, b))
    assume(worse_value < better_value)
    low = assess(bar, {**history, latest: worse_value})
    high = assess(bar, {**history, latest: better_value})
    assert not worse(high.status, low.status), (low, high)


@given(bars, series)
def test_every_status_explains_itself(bar, history):
    result = assess(bar, history)
    assert result.vi and result.en
