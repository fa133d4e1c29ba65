"""08.9 Within budget. On a real server only (the local stack): the small seed data, and the
server's profiler shows what each report reads."""

import pytest

from grader.testkit import analytics as an
from grader.testkit import expect

pytestmark = [pytest.mark.exercise("08.9"), pytest.mark.needs_services]
SECTION = an.section("089-within-budget")


@pytest.fixture(autouse=True)
async def _profiler_off_after(db):
    yield
    await an.profiler_off(db)


async def seeded(db, settings):
    from shared.seed import seed_database

    await an.profiler_off(db)
    await seed_database(db, "small", reset=True)
    return await an.as_admin(settings)


async def reports(db):
    supplier = await db["suppliers"].find_one({}, {"_id": 1}, sort=[("_id", 1)])
    start, end = an.today_start().replace(day=1), an.today_start()
    return [("/analytics/revenue-by-supplier", {"start": start.isoformat(), "end": end.isoformat()}),
            ("/analytics/top-products", {}), (f"/analytics/suppliers/{supplier['_id']}/orders", {}),
            ("/analytics/post-engagement", {}), ("/analytics/price-distribution", {}),
            ("/analytics/daily-revenue", {"days": 30}), ("/analytics/top-categories", {}),
            ("/analytics/dashboard", {})]


@pytest.mark.weight(6)
async def test_every_report_aggregates_in_the_database(client, settings, db):
    headers = await seeded(db, settings)
    for path, params in await reports(db):
        response, reads = await an.profiled(db, lambda: client.get(path, params=params, headers=headers))
        doing = f"GET {path} on the small seed data (2,000 orders)"
        expect.status(response, 200, doing)
        read = await an.bytes_read(db, reads)
        expect.true(read <= an.READ_BUDGET_BYTES,
                    f"{doing}: the report read {read / 1e6:.1f} MB from the database (at most "
                    f"{an.READ_BUDGET_BYTES // 1024} KB expected): it loads whole collections into Python instead "
                    f"of aggregating in the database ({SECTION})")


@pytest.mark.weight(4)
async def test_range_reports_start_with_a_match_on_the_range(client, settings, db):
    headers = await seeded(db, settings)
    start, end = an.today_start().replace(day=1), an.today_start()
    for path, params in (("/analytics/revenue-by-supplier", {"start": start.isoformat(), "end": end.isoformat()}),
                         ("/analytics/daily-revenue", {"days": 7})):
        response, reads = await an.profiled(db, lambda: client.get(path, params=params, headers=headers))
        doing = f"GET {path} with a range on the small seed data"
        expect.status(response, 200, doing)
        stage = an.first_stage(reads)
        expect.true(stage is not None, f"{doing}: expected an aggregate on orders, the report ran none ({SECTION})")
        match = stage.get("$match") if isinstance(stage, dict) else None
        expect.true(isinstance(match, dict) and "created_at" in str(match),
                    f"{doing}: the pipeline's first stage is {str(stage)[:120]}, expected a $match on created_at (and "
                    f"status), so the index on orders finds the range instead of the server reading every order "
                    f"({SECTION})")
