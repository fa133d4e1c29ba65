"""M07.5 The data team's reports (hidden tests)."""

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
def test_each_customers_orders_numbered_with_a_running_total(reports):
    orders, _ = oe.report_rows()
    doing = ("customer_running_totals on the orders of 3 customers (two cancelled; two orders of one customer "
             "created at the same moment)")
    rows = reports.run("customer_running_totals", {}, doing)
    expect.equal(rows, oe.expected_customer_running_totals(orders),
                 f"{doing}: the rows (customer_user_id, order_number, nth_order, running_total_cents), by customer "
                 "and nth_order (orders by created_at, then order_id)")


@pytest.mark.weight(3)
def test_the_limit_cuts_the_top_products(reports):
    orders, items = oe.report_rows()
    doing = "top_products_by_units with limit 2"
    rows = reports.run("top_products_by_units", {"limit": 2}, doing)
    expect.equal(rows, oe.expected_top_products_by_units(orders, items, 2), f"{doing}: the rows")
