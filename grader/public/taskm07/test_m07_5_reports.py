"""M07.5 The data team's reports.

The kit makes the doc's two tables in a database of their own, loads orders and items with
its own SQL (three customers, four countries, every status), and runs the SQL your
``reports()`` returns on them."""

import pytest

from grader.testkit import expect
from grader.testkit import order_events as oe
from grader.testkit import product_events as pe

pytestmark = pytest.mark.exercise("M07.5")


@pytest.fixture(scope="module")
def reports():
    found = pe.Reports("orders", oe.REPORT_TABLES, oe.load_report_rows)
    yield found
    found.close()


@pytest.mark.weight(4)
def test_order_value_by_shipping_country(reports):
    orders, _ = oe.report_rows()
    doing = "order_value_by_country on 8 orders in 4 countries (two cancelled)"
    rows = reports.run("order_value_by_country", {}, doing)
    expect.equal(rows, oe.expected_order_value_by_country(orders),
                 f"{doing}: the rows (shipping_country, orders, revenue_cents, average_order_cents), the most "
                 "revenue first")


@pytest.mark.weight(4)
def test_top_products_by_units(reports):
    orders, items = oe.report_rows()
    doing = "top_products_by_units with limit 10 on the items of 8 orders (two cancelled)"
    rows = reports.run("top_products_by_units", {"limit": 10}, doing)
    expect.equal(rows, oe.expected_top_products_by_units(orders, items, 10),
                 f"{doing}: the rows (product_id, units, revenue_cents, orders), the most units first, ties by "
                 "product_id")
