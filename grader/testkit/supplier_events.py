"""Supplier events for the tests of the MySQL track's suppliers (Task M02): supplier documents
exactly as the app's events carry them (``Supplier.event_data()`` of a real ``Supplier``), the
``suppliers`` row the task doc says each one becomes, and waits on the analytics service that
say why a row did not come (a handler that raises, an event no handler takes, a service that
ended) instead of only "nothing came".

    data = document(sid, {"company_info.dba_name": None})     # changes by dotted path
    sent = service.produce(pipeline.envelope("supplier.created", sid, data, timestamp=at(0)))
    row = Watch(service).row(sid, "after supplier.created ...")
"""

import copy
import json
import signal
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from beanie import PydanticObjectId

from grader.testkit import pipeline
from shared.models.supplier import (
    Address,
    BankingInfo,
    BusinessInfo,
    CompanyInfo,
    SocialLinks,
    Supplier,
    SupplierContactInfo,
    Verification,
    VerificationDocument,
)

CREATED, UPDATED, DELETED = "supplier.created", "supplier.updated", "supplier.deleted"
# A moment well in the past, so the tests' event times never meet the consumer's own clock.
EPOCH = datetime(2025, 5, 24, 10, 0, 0, 123456, tzinfo=UTC)
ALL_OF_THE_LOG = 1 << 30
SHOWN = 4  # differing columns a message names

# The suppliers table of the task doc: column -> (type, nullable).
SUPPLIER_COLUMNS: dict[str, tuple[str, bool]] = {
    "supplier_id": ("varchar(24)", False),
    "email": ("varchar(255)", False),
    "primary_phone": ("varchar(32)", True),
    "contact_person_name": ("varchar(255)", False),
    "contact_person_title": ("varchar(255)", True),
    "contact_person_email": ("varchar(255)", True),
    "contact_person_phone": ("varchar(32)", True),
    "legal_name": ("varchar(255)", False),
    "dba_name": ("varchar(255)", True),
    "company_type": ("varchar(32)", False),
    "street_address_1": ("varchar(255)", False),
    "street_address_2": ("varchar(255)", True),
    "city": ("varchar(100)", False),
    "state": ("varchar(100)", True),
    "zip_code": ("varchar(20)", False),
    "country": ("char(2)", False),
    "support_email": ("varchar(255)", True),
    "support_phone": ("varchar(32)", True),
    "timezone": ("varchar(64)", False),
    "website_url": ("varchar(255)", True),
    "facebook_url": ("varchar(255)", True),
    "instagram_handle": ("varchar(255)", True),
    "twitter_handle": ("varchar(255)", True),
    "linkedin_url": ("varchar(255)", True),
    "status": ("varchar(20)", False),
    "verification_status": ("varchar(20)", False),
    "created_at": ("datetime(6)", False),
    "updated_at": ("datetime(6)", False),
    "event_id": ("varchar(36)", False),
    "event_timestamp": ("datetime(6)", False),
}
DELETION_COLUMNS: dict[str, tuple[str, bool]] = {
    "supplier_id": ("varchar(24)", False),
    "deleted_at": ("datetime(6)", False),
    "event_id": ("varchar(36)", False),
}

# Where each column of a row comes from in the event's data (the envelope's own fields below).
SOURCE = {
    "email": "contact_info.primary_email",
    "primary_phone": "contact_info.primary_phone",
    "contact_person_name": "contact_info.contact_person_name",
    "contact_person_title": "contact_info.contact_person_title",
    "contact_person_email": "contact_info.contact_person_email",
    "contact_person_phone": "contact_info.contact_person_phone",
    "legal_name": "company_info.legal_name",
    "dba_name": "company_info.dba_name",
    "company_type": "company_info.company_type",
    "street_address_1": "company_info.business_address.street_address_1",
    "street_address_2": "company_info.business_address.street_address_2",
    "city": "company_info.business_address.city",
    "state": "company_info.business_address.state",
    "zip_code": "company_info.business_address.zip_code",
    "country": "company_info.business_address.country",
    "support_email": "business_info.support_email",
    "support_phone": "business_info.support_phone",
    "timezone": "business_info.timezone",
    "website_url": "business_info.social_links.website_url",
    "facebook_url": "business_info.social_links.facebook_url",
    "instagram_handle": "business_info.social_links.instagram_handle",
    "twitter_handle": "business_info.social_links.twitter_handle",
    "linkedin_url": "business_info.social_links.linkedin_url",
    "status": "status",
    "verification_status": "verification.status",
    "created_at": "created_at",
    "updated_at": "updated_at",
}


def at(minutes: float) -> datetime:
    """A moment ``minutes`` after EPOCH (an event's timestamp the test chooses)."""
    return EPOCH + timedelta(minutes=minutes)


def full_supplier(supplier_id: str) -> Supplier:
    """A supplier with every optional part filled in, banking details included (they must not
    travel: ``event_data()`` leaves them out)."""
    return Supplier.model_construct(
        id=PydanticObjectId(supplier_id),
        password_hash="$2b$12$" + "x" * 53,
        contact_info=SupplierContactInfo(
            primary_email="sales@acme.example", additional_emails=["orders@acme.example"],
            primary_phone="+49 40 555 0100", contact_person_name="Greta Hansen",
            contact_person_title="Head of Sales", contact_person_email="greta@acme.example",
            contact_person_phone="+49 40 555 0101"),
        company_info=CompanyInfo(
            legal_name="Acme Trading GmbH", dba_name="Acme", company_type="llc",
            business_address=Address(street_address_1="Hafenstrasse 12", street_address_2="3. Stock",
                                     city="Hamburg", state="HH", zip_code="20457", country="DE"),
            shipping_address=Address(street_address_1="Lagerweg 3", city="Hamburg", zip_code="21079", country="DE")),
        business_info=BusinessInfo(
            support_email="help@acme.example", support_phone="+49 40 555 0199", timezone="Europe/Berlin",
            social_links=SocialLinks(website_url="https://acme.example", facebook_url="https://facebook.com/acme",
                                     instagram_handle="@acme", twitter_handle="@acme_de",
                                     linkedin_url="https://linkedin.com/company/acme")),
        banking_info=BankingInfo(bank_name="Hanse Bank", account_holder_name="Acme Trading GmbH",
                                 account_number_last4="9876"),
        status="active",
        email_verified_at=EPOCH + timedelta(minutes=5),
        verification=Verification(status="verified", submitted_at=EPOCH + timedelta(hours=1),
                                  reviewed_at=EPOCH + timedelta(hours=2), reviewed_by="6650c1f2a3b4c5d6e7f80aff",
                                  documents=[VerificationDocument(kind="business_license",
                                                                  url="https://files.acme.example/licence.pdf",
                                                                  submitted_at=EPOCH + timedelta(hours=1))]),
        terms_accepted_at=EPOCH,
        privacy_policy_accepted_at=EPOCH,
        product_ids=[],
        deleted_at=None,
        version=4,
        created_at=EPOCH,
        updated_at=EPOCH + timedelta(hours=2),
    )


def document(supplier_id: str, changes: dict[str, Any] | None = None) -> dict[str, Any]:
    """``full_supplier(supplier_id).event_data()`` with ``changes`` applied: dotted path ->
    new value (``{"company_info.business_address.state": None}``)."""
    data = full_supplier(supplier_id).event_data()
    for path, value in (changes or {}).items():
        *parents, last = path.split(".")
        node = data
        for key in parents:
            node = node[key]
        node[last] = copy.deepcopy(value)
    return data


# Every optional field a supplier may leave empty, left empty: no DBA name, no second street
# line, no state, no social links, no phones, no contact person details, no support contacts.
NOTHING_OPTIONAL = {
    "contact_info.primary_phone": None, "contact_info.contact_person_title": None,
    "contact_info.contact_person_email": None, "contact_info.contact_person_phone": None,
    "contact_info.additional_emails": [],
    "company_info.dba_name": None, "company_info.shipping_address": None,
    "company_info.business_address.street_address_2": None, "company_info.business_address.state": None,
    "business_info.support_email": None, "business_info.support_phone": None, "business_info.timezone": "UTC",
    "business_info.social_links": {"website_url": None, "facebook_url": None, "instagram_handle": None,
                                   "twitter_handle": None, "linkedin_url": None},
    "status": "pending", "email_verified_at": None,
    "verification": {"status": "pending", "documents": [], "submitted_at": None, "reviewed_at": None,
                     "reviewed_by": None, "rejection_reason": None},
}


def event(event_type: str, supplier_id: str, minutes: float, changes: dict[str, Any] | None = None) -> dict[str, Any]:
    """An envelope of ``event_type`` for the supplier, stamped ``at(minutes)``: a delete carries
    only the id, the others ``document(supplier_id, changes)``."""
    body = {"id": supplier_id} if event_type == DELETED else document(supplier_id, changes)
    return pipeline.envelope(event_type, supplier_id, body, timestamp=at(minutes))


def utc(value: str | None) -> datetime | None:
    """An ISO 8601 string as the naive UTC datetime MySQL gives back (no offset: UTC)."""
    if value is None:
        return None
    moment = datetime.fromisoformat(value)
    return moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment


def _at_path(data: dict, path: str) -> Any:
    node: Any = data
    for key in path.split("."):
        node = node.get(key) if isinstance(node, dict) else None
    return node


def expected_row(envelope: dict[str, Any]) -> dict[str, Any]:
    """The ``suppliers`` row the doc says a created or updated event becomes."""
    data = envelope["data"]
    row = {"supplier_id": envelope["entity_id"]}
    for column, path in SOURCE.items():
        value = _at_path(data, path)
        row[column] = utc(value) if column in ("created_at", "updated_at") else value
    row["event_id"] = envelope["event_id"]
    row["event_timestamp"] = utc(envelope["timestamp"])
    return row


def differences(actual: dict[str, Any] | None, expected: dict[str, Any]) -> str:
    """The columns where ``actual`` differs from ``expected``, as "col: expected X, got Y; ..."."""
    if actual is None:
        return "no row"
    wrong = [f"{column}: expected {value!r}, got {actual.get(column, '(no such column)')!r}"
             for column, value in expected.items() if actual.get(column, ...) != value]
    shown = "; ".join(wrong[:SHOWN])
    return shown + (f" (and {len(wrong) - SHOWN} more columns)" if len(wrong) > SHOWN else "")


def child_rows(rows: list[dict], key: str, json_column: str) -> list[dict]:
    """Child rows (a product's variants, an order's items) as the tests compare them: without
    their AUTO_INCREMENT ``id``, ``json_column`` parsed from its JSON text, sorted by ``key``."""
    shown = []
    for row in rows:
        row = {k: v for k, v in row.items() if k != "id"}
        if isinstance(row.get(json_column), (str, bytes)):
            try:
                row[json_column] = json.loads(row[json_column])
            except ValueError:
                pass
        shown.append(row)
    return sorted(shown, key=lambda r: str(r.get(key)))


def child_differences(actual: list[dict], expected: list[dict], key: str, json_column: str, noun: str) -> str:
    """What differs between the child rows found and those expected (matched by ``key``),
    briefly: a missing row, an extra one, or the columns that differ."""
    have = {r.get(key): r for r in child_rows(actual, key, json_column)}
    want = {r[key]: r for r in expected}
    wrong = []
    for name in sorted(set(have) | set(want), key=str):
        if name not in have:
            wrong.append(f"no row for the {noun} {name!r}")
        elif name not in want:
            wrong.append(f"a row for the {noun} {name!r}, which the event does not have")
        else:
            found = differences(have[name], want[name])
            if found:
                wrong.append(f"{name!r}: {found}")
    return "; ".join(wrong[:SHOWN]) + (f" (and {len(wrong) - SHOWN} more)" if len(wrong) > SHOWN else "")


class Watch:
    """Waits for rows of one analytics service, from the moment it is made: a wait ends early,
    saying why, when a handler raised (the kit's stand-in consumer then tries that event again
    and again, so no later supplier event is applied), when the consumer skipped an event it has
    no handler for, or when the service ended."""

    # What the messages call this table's handler and events, and the event whose topic a
    # stuck service's group is moved past: a subclass for another table sets its own.
    HANDLER = "a supplier handler"
    EVENT = "supplier event"
    EVENT_TYPES = "supplier.created, supplier.updated and supplier.deleted"
    STUCK_TOPIC_EVENT = CREATED

    def __init__(self, service: pipeline.AnalyticsService):
        self.service = service
        self.seen = len(service.log_lines(ALL_OF_THE_LOG))
        self.settled = False  # whether the last wait ended because every event had been taken

    def problem(self) -> str:
        if not self.service.alive:
            return f"the analytics service ended ({self.service.exit_description()}): {self.service.reports()}"
        lines = self.service.log_lines(ALL_OF_THE_LOG)[self.seen:]
        for index in range(len(lines) - 1, -1, -1):
            if pipeline.HANDLER_FAILED in lines[index]:
                return (f"{self.HANDLER} raised " + _raised(lines[index + 1:]) + " (the consumer tries that "
                        f"event again and again, so no later {self.EVENT} gets through)")
        if any("skipped a message it cannot route" in line for line in lines):
            return (f"the consumer skipped a {self.EVENT} because no handler is registered for its type "
                    f"(handlers() must map {self.EVENT_TYPES})")
        return ""

    def rows(self, sql: str, params: tuple, until: Callable[[list[dict]], bool], doing: str) -> list[dict]:
        """Poll until ``until(rows)``; fail saying why when a problem shows first. Returns the
        last rows (``until`` may still be false: the caller's check then says what came)."""
        self.settled = False

        def settled() -> bool:
            self.settled = self.service.handled_everything()
            return self.settled

        rows = self.service.mysql.wait_rows(sql, params, until=lambda found: until(found) or bool(self.problem()),
                                            settled=settled)
        if not until(rows):
            problem = self.problem()
            if problem:
                if self.service.alive and "handler raised" in problem:
                    self.skip_stuck_events()
                raise AssertionError(f"{doing}: {problem}")
        return rows

    def waited(self) -> str:
        """How the last wait ended, for a message: it gave up at its deadline, or the service
        had taken every event sent and the rows were final."""
        if self.settled:
            return "once the service had taken every event sent (its consumer committed them all)"
        return f"within {pipeline.ROW_SECONDS:g} s"

    def skip_stuck_events(self) -> None:
        """Stop the service and move its consumer group past every supplier event sent so far,
        so that the next test (which starts it again) is not held up by the event this one's
        handler cannot take: a failure then costs the tests that meet it, not every later one."""
        self.service.signal(signal.SIGTERM)
        if self.service.wait_exit() is None:
            self.service.stop()
            return  # killed: its group keeps the member until the session times out; nothing to skip to
        try:
            commit_offset(self.service, self.STUCK_TOPIC_EVENT, end_offset(self.service, self.STUCK_TOPIC_EVENT))
        except Exception:  # noqa: BLE001 (a best effort: the next test then says what it meets)
            pass

    def supplier(self, supplier_id: str, doing: str, until: Callable[[dict | None], bool] = lambda row: row is not None
                 ) -> dict | None:
        """The supplier's row once ``until(row)`` holds (row None: no row), or the last one seen."""
        rows = self.rows("SELECT * FROM suppliers WHERE supplier_id = %s", (supplier_id,),
                         lambda found: until(found[0] if found else None), doing)
        return rows[0] if rows else None

    def deletion(self, supplier_id: str, doing: str) -> dict | None:
        rows = self.rows("SELECT * FROM supplier_deletions WHERE supplier_id = %s", (supplier_id,), bool, doing)
        return rows[0] if rows else None

    def marker(self, doing: str) -> str:
        """Produce ``supplier.created`` for a new supplier and wait for its row: every supplier
        event produced before it has then been handled (one partition: in order)."""
        marker_id = pipeline.new_id()
        self.service.produce(event(CREATED, marker_id, 0))
        if self.supplier(marker_id, doing) is None:
            raise AssertionError(f"{doing}: the row of a later supplier.created (a new supplier {marker_id}, sent to "
                                 f"show that the events before it were handled) did not come {self.waited()}")
        return marker_id


def _raised(lines: list[str]) -> str:
    """The exception line of the traceback the stand-in consumer logged (its last one)."""
    found = []
    for line in lines:
        if line.startswith("analytics"):
            break
        if line and not line.startswith((" ", "\t", "Traceback", "During handling", "The above exception")):
            found.append(line.strip())
    return repr(found[-1][:300]) if found else "an exception (see the service's log)"


def snapshot(mysql: pipeline.MySQL, supplier_ids: list[str]) -> dict[str, list[dict]]:
    """Every row the two tables hold for these suppliers, in a fixed order."""
    marks = ", ".join(["%s"] * len(supplier_ids))
    return {table: mysql.query(f"SELECT * FROM {table} WHERE supplier_id IN ({marks}) ORDER BY supplier_id",
                               tuple(supplier_ids))
            for table in ("suppliers", "supplier_deletions")}


def commit_offset(service: pipeline.AnalyticsService, event_type: str, offset: int) -> int:
    """Commit ``offset`` (the next message to read) for the service's consumer group on the
    topic of ``event_type``, as ``kafka-consumer-groups --reset-offsets`` would; the group must
    have no member (the service stopped cleanly). Returns the offset the group then has."""
    from confluent_kafka import Consumer, TopicPartition

    consumer = Consumer({"bootstrap.servers": pipeline.bootstrap(), "group.id": service.group,
                         "enable.auto.commit": False, "log_level": 0})
    try:
        consumer.commit(offsets=[TopicPartition(service.topic(event_type), 0, offset)], asynchronous=False)
    finally:
        consumer.close()
    return service.committed(event_type)


def end_offset(service: pipeline.AnalyticsService, event_type: str) -> int:
    """The offset the next message of ``event_type``'s topic will get."""
    from confluent_kafka import Consumer, TopicPartition

    consumer = Consumer({"bootstrap.servers": pipeline.bootstrap(), "group.id": "kit-reader", "log_level": 0})
    try:
        return consumer.get_watermark_offsets(TopicPartition(service.topic(event_type), 0), timeout=10)[1]
    finally:
        consumer.close()


FAULT_LINE = "fault: killed after applying "


def wait_fault(service: pipeline.AnalyticsService, event_id: str, timeout: float = pipeline.ROW_SECONDS) -> str:
    """Wait for ``ANALYTICS_FAULT=kill-after:<event_id>``: "killed" once the service ended
    after saying it applied that event, "" when that did not happen in time."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not service.alive:
            said = any(FAULT_LINE + event_id in line for line in service.log_lines(ALL_OF_THE_LOG))
            return "killed" if said else ""
        time.sleep(0.1)
    return ""
