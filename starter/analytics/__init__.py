"""The analytics service: a placeholder until the MySQL track of the course.

In the MySQL track you build the analytics replica here: a Kafka consumer that reads the
platform's events (users, suppliers, communities: see ``shared/events.py``) and keeps
reporting tables in MySQL up to date, idempotently, so a report never has to query the
platform's MongoDB.

Until then this package only answers ``GET /health``: 200 when Kafka and MySQL are both
reachable, 503 (naming what is down) when not. It consumes nothing and writes nothing.
Run it with ``python -m analytics`` from ``starter/`` (the compose stack's ``analytics``
service does exactly that); its settings are in ``analytics.service.Settings``.
"""
