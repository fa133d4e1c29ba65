"""Time each Task 08 report of a tree's analytics service against a seeded MongoDB.

    make seed STACK=local KEEP=1 SIZE=large      # prints the MONGODB_URL to use
    .venv/bin/python scripts/analytics_bench.py --url mongodb://127.0.0.1:PORT --runs 3 [--impl solutions]

Each report runs once to warm up and then ``--runs`` times; the median is printed with the
budget the task doc states (tasks/08-analytics.md, 08.9). The data must already be there
(``make seed``): seeding ``large`` on the local stack takes about 80 s.
"""

import argparse
import asyncio
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

KIT = Path(__file__).resolve().parent.parent
BUDGET_SECONDS = 2.0


async def main(url: str, database: str, runs: int, impl: str) -> int:
    import importlib.util

    sys.path[:0] = [str(KIT / "starter"), str(KIT)]
    from beanie import init_beanie
    from motor.motor_asyncio import AsyncIOMotorClient

    root = KIT / impl if (KIT / impl).is_dir() else Path(impl)
    spec = importlib.util.spec_from_file_location("backend.services.analytics",
                                                  root / "backend" / "services" / "analytics.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    AnalyticsService = module.AnalyticsService
    from shared.identity import Actor, ActorKind
    from shared.models import ALL_DOCUMENTS
    from shared.timeutil import utc_now

    client = AsyncIOMotorClient(url, tz_aware=True)
    db = client[database]
    await init_beanie(database=db, document_models=ALL_DOCUMENTS)
    orders = await db["orders"].estimated_document_count()
    supplier = await db["suppliers"].find_one({}, {"_id": 1}, sort=[("_id", 1)])
    admin = Actor(id="0" * 24, kind=ActorKind.USER, role="admin")
    service = AnalyticsService()
    now = utc_now()
    reports = {
        "revenue_by_supplier (last 30 days)": lambda: service.revenue_by_supplier(
            admin, start=now - timedelta(days=30), end=now),
        "revenue_by_supplier (all time)": lambda: service.revenue_by_supplier(admin),
        "top_products": lambda: service.top_products(admin),
        "supplier_orders": lambda: service.supplier_orders(admin, str(supplier["_id"])),
        "post_engagement": lambda: service.post_engagement(admin),
        "price_distribution": lambda: service.price_distribution(admin),
        "daily_revenue (30 days)": lambda: service.daily_revenue(admin, days=30),
        "top_categories": lambda: service.top_categories(admin),
        "dashboard": lambda: service.dashboard(admin),
    }
    print(f"{database} at {url}: {orders} orders; median of {runs} runs after a warm-up", flush=True)
    slow = 0
    for name, call in reports.items():
        await call()
        times = []
        for _ in range(runs):
            started = time.perf_counter()
            await call()
            times.append(time.perf_counter() - started)
        median = statistics.median(times)
        slow += median > BUDGET_SECONDS
        print(f"  {name:38} {median:7.3f} s   (budget {BUDGET_SECONDS:.0f} s)", flush=True)
    client.close()
    return 1 if slow else 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--database", default="social_commerce")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--impl", default="solutions", help="solutions, starter, or a directory laid out like them")
    args = parser.parse_args()
    sys.exit(asyncio.run(main(args.url, args.database, args.runs, args.impl)))
