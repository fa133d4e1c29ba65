"""The analytics service: the platform's events, kept as MySQL reporting tables.

A Kafka consumer (``analytics/consumer.py``, Task 09) reads every event the app publishes,
and the table modules (``analytics/users.py``, ``suppliers.py``, ``products.py``, ``posts.py``,
``orders.py``: the MySQL track) turn each one into rows, through one MySQL connection pool
(``analytics/db.py``, Task M00).
``analytics/service.py`` (the kit's) puts them together; run it with ``python -m analytics``
from ``starter/`` (the compose stack's ``analytics`` service does exactly that).
"""
