"""M04.5 The data team's reports (hidden tests)."""

import pytest

from grader.testkit import expect
from grader.testkit import product_events as pe

pytestmark = pytest.mark.exercise("M04.5")


@pytest.fixture(scope="module")
def reports():
    found = pe.Reports("products", pe.REPORT_TABLES, pe.load_report_rows)
    yield found
    found.close()


@pytest.mark.weight(4)
def test_the_most_expensive_products_of_each_category_ties_share_a_rank(reports):
    products, _ = pe.report_rows()
    doing = ("price_rank_in_category with top 3 on the active products (two sports products share the highest "
             "price)")
    rows = reports.run("price_rank_in_category", {"top": 3}, doing)
    expect.equal(rows, pe.expected_price_rank_in_category(products, 3),
                 f"{doing}: the rows (category, product_id, name, base_price_cents, price_rank), by category, rank, "
                 "product_id (RANK: a tie shares its rank and the next rank is skipped)")


@pytest.mark.weight(3)
def test_the_parameters_limit_the_rows(reports):
    products, _ = pe.report_rows()
    doing = "suppliers_with_most_products with limit 2 (the second and third suppliers tie on 3 products)"
    rows = reports.run("suppliers_with_most_products", {"limit": 2}, doing)
    expect.equal(rows, pe.expected_suppliers_with_most_products(products, 2), f"{doing}: the rows")
    doing = "price_rank_in_category with top 1"
    rows = reports.run("price_rank_in_category", {"top": 1}, doing)
    expect.equal(rows, pe.expected_price_rank_in_category(products, 1), f"{doing}: the rows")
