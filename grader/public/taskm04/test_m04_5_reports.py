"""M04.5 The data team's reports.

The kit makes the doc's three tables in a database of their own, loads products and variants
with its own SQL (four suppliers, three categories, every status), and runs the SQL your
``reports()`` returns on them."""

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
def test_suppliers_with_the_most_products(reports):
    products, _ = pe.report_rows()
    doing = "suppliers_with_most_products with limit 10 on 11 products of 4 suppliers (two have 3 each)"
    rows = reports.run("suppliers_with_most_products", {"limit": 10}, doing)
    expect.equal(rows, pe.expected_suppliers_with_most_products(products, 10),
                 f"{doing}: the rows (supplier_id, products, active_products), most products first, ties by "
                 "supplier_id")


@pytest.mark.weight(4)
def test_stock_by_category(reports):
    products, variants = pe.report_rows()
    doing = "stock_by_category on active products in three categories (one has no variants)"
    rows = reports.run("stock_by_category", {}, doing)
    expect.equal(rows, pe.expected_stock_by_category(products, variants),
                 f"{doing}: the rows (category, products, units, stock_value_cents), by category")
