"""Growth accounting reproduces a published table and keeps its identities."""

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from stiplan.analytics.growth import account, decompose, perpetual_inventory

# Young, A. (1995), "The Tyranny of Numbers: Confronting the Statistical Realities of the East
# Asian Growth Experience", Quarterly Journal of Economics 110(3): 641–680, Table VII
# (1966–1990/91): average annual growth of output, capital, labour (%), the capital share, and
# the published TFP growth (%), rounded to one decimal.
YOUNG_1995 = [
    ("Hong Kong", 7.3, 8.0, 3.2, 0.372, 2.3),
    ("Singapore", 8.7, 11.5, 5.7, 0.491, 0.2),
    ("South Korea", 10.3, 13.7, 6.4, 0.297, 1.7),
    ("Taiwan", 9.4, 12.3, 4.9, 0.257, 2.6),
]


@pytest.mark.parametrize(("economy", "gy", "gk", "gl", "alpha", "published_tfp"), YOUNG_1995)
def test_reproduces_young_1995_within_rounding(economy, gy, gk, gl, alpha, published_tfp):
    result = decompose(gy, gk, gl, alpha)
    assert abs(result.tfp - published_tfp) <= 0.05 + 1e-9, economy
    assert result.capital_part + result.labour_part + result.tfp == pytest.approx(gy)


def test_yearly_accounts_from_investment_via_perpetual_inventory():
    output = {2020: 100.0, 2021: 106.0, 2022: 112.4}
    labour = {2020: 50.0, 2021: 51.0, 2022: 52.0}
    investment = {2020: 30.0, 2021: 32.0, 2022: 34.0}
    stock = perpetual_inventory(investment, depreciation=0.05, initial_stock=300.0)
    assert stock == {2020: 300.0, 2021: 0.95 * 300 + 32, 2022: 0.95 * (0.95 * 300 + 32) + 34}
    result = account(output, labour, investment=investment, alpha=0.4, initial_stock=300.0)
    first = result.yearly[0]
    assert first.output == pytest.approx(100 * math.log(1.06))
    assert first.tfp == pytest.approx(first.output - 0.4 * first.capital - 0.6 * first.labour)
    assert first.tfp_share == pytest.approx(100 * first.tfp / first.output)
    whole = result.period(2020, 2022)
    assert whole.output == pytest.approx(100 * math.log(1.124) / 2)


rates = st.floats(-10, 20, allow_nan=False)


@given(rates.filter(lambda x: abs(x) > 0.01), rates, rates, st.floats(0.05, 0.95))
def test_contributions_add_up_to_output_growth(gy, gk, gl, alpha):
    r = decompose(gy, gk, gl, alpha)
    assert r.capital_part + r.labour_part + r.tfp == pytest.approx(gy, abs=1e-9)
    assert r.tfp_share == pytest.approx(100 * r.tfp / gy)


def test_bad_parameters_are_refused():
    with pytest.raises(ValueError):
        account({2020: 1.0}, {2020: 1.0}, capital={2020: 1.0}, alpha=1.2)
    with pytest.raises(ValueError):
        account({2020: 1.0, 2021: -1.0}, {2020: 1.0, 2021: 1.0}, capital={2020: 1.0, 2021: 1.0})
