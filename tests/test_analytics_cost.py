"""Task 08.9's cost check runs a report's reads again in the test process: never a write."""

import asyncio

from grader.testkit import analytics


class _Collection:
    def __init__(self, ran: list):
        self.ran = ran

    def aggregate(self, pipeline):
        self.ran.append(pipeline)

        async def documents():
            yield {"total": 1}
        return documents()


class _Database(dict):
    def __missing__(self, name):
        return _Collection(self.setdefault("_ran", []))


def test_a_pipeline_that_writes_is_not_run_again_and_one_that_reads_is():
    db = _Database()
    reads = [("orders", {"aggregate": "orders", "pipeline": [{"$match": {}}, {"$out": "orders_copy"}]}),
             ("orders", {"aggregate": "orders", "pipeline": [{"$match": {}}, {"$merge": {"into": "x"}}]}),
             ("orders", {"aggregate": "orders", "pipeline": [{"$group": {"_id": None, "total": {"$sum": 1}}}]})]
    total = asyncio.run(analytics.bytes_read(db, reads))
    assert db["_ran"] == [[{"$group": {"_id": None, "total": {"$sum": 1}}}]]
    assert total > 0
