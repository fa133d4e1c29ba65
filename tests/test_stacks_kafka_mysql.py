"""The local Kafka broker and MySQL server the grader starts, what stopping them leaves
behind (nothing), and what a learner reads when an external one is not there."""

import re
import socket
import subprocess
import time
import uuid
from pathlib import Path

import pytest

from grader.stacks import kafka, mysql
from grader.stacks.process import free_port


def processes_with(marker: str) -> list[str]:
    """The command lines of running processes that contain ``marker``."""
    # -ww: without a terminal, ps cuts command lines at 80 columns
    listing = subprocess.run(["ps", "-ww", "-eo", "pid=,args="], capture_output=True, text=True, check=True).stdout
    return [line for line in listing.splitlines() if marker in line]


def refuses_connections(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return False
    except ConnectionRefusedError:
        return True


def port_of(backend) -> int:
    return int(backend.where.rsplit(":", 1)[1])


@pytest.fixture
def broker():
    backend = kafka.start_local()
    assert backend.ready, backend.problem
    yield backend
    backend.stop()


@pytest.fixture
def mysql_server():
    if mysql.server_binary() is None:
        pytest.skip("no MariaDB or MySQL server (mariadbd/mysqld) is installed; "
                    "`apt-get install mariadb-server` to run this test")
    backend = mysql.start_local()
    assert backend.ready, backend.problem
    yield backend
    backend.stop()


def test_a_message_goes_through_a_consumer_group(broker):
    from confluent_kafka import Consumer, Producer

    bootstrap = broker.env["KAFKA_BOOTSTRAP_SERVERS"]
    topic, payload = f"orders-{uuid.uuid4().hex[:8]}", b'{"order": 1, "total": "9.50"}'
    # Subscribe before the topic exists, as an app's consumer does at start-up.
    consumer = Consumer(kafka.consumer_config(bootstrap, "grader-test"))
    consumer.subscribe([topic])
    start = time.monotonic()
    producer = Producer({"bootstrap.servers": bootstrap})
    producer.produce(topic, payload)
    assert producer.flush(5) == 0
    received, errors = None, []
    try:
        while received is None and time.monotonic() - start < 15:
            message = consumer.poll(0.2)
            if message is not None and message.error():
                errors.append(str(message.error()))  # "unknown topic" until the producer made it
            elif message is not None:
                received = message
    finally:
        consumer.close()
    assert received is not None, f"nothing arrived within 15 s; errors: {errors}"
    assert received.value() == payload
    # About 3 s here; with librdkafka's default timeouts the group join alone takes ~23 s.
    assert time.monotonic() - start < 18  # the default would be ~23 s: room for a busy machine, none for the default


def test_a_stopped_broker_is_gone(broker):
    port = port_of(broker)
    assert processes_with(f"tcp://127.0.0.1:{port}")
    broker.stop()  # the fixture stops it again: a second stop does nothing
    assert not processes_with(f"tcp://127.0.0.1:{port}")
    assert refuses_connections(port)


def test_no_broker_at_the_address():
    address = f"127.0.0.1:{free_port()}"
    start = time.monotonic()
    backend = kafka.external({"KAFKA_BOOTSTRAP_SERVERS": address})
    assert time.monotonic() - start < 15
    assert not backend.ready
    assert f"Kafka at {address} did not answer" in backend.problem
    assert "Connection refused" in backend.problem and "STACK=local" in backend.problem
    assert "\n" not in backend.problem
    assert backend.env == {"KAFKA_BOOTSTRAP_SERVERS": address}


def test_a_row_goes_in_and_comes_back(mysql_server):
    import pymysql

    env = mysql_server.env
    assert env["MYSQL_DATABASE"] == "analytics"
    connect = {"host": env["MYSQL_HOST"], "port": int(env["MYSQL_PORT"]), "user": env["MYSQL_USER"],
               "password": env["MYSQL_PASSWORD"], "database": env["MYSQL_DATABASE"]}
    with pymysql.connect(**connect) as conn, conn.cursor() as cur:
        cur.execute("CREATE TABLE daily_sales (day DATE PRIMARY KEY, orders INT NOT NULL, revenue DECIMAL(10, 2))")
        cur.execute("INSERT INTO daily_sales VALUES (%s, %s, %s)", ("2024-05-01", 3, "42.50"))
        conn.commit()
    with pymysql.connect(**connect) as conn, conn.cursor() as cur:  # a new connection sees the committed row
        cur.execute("SELECT day, orders, revenue FROM daily_sales")
        (day, orders, revenue), = cur.fetchall()
    assert (str(day), orders, str(revenue)) == ("2024-05-01", 3, "42.50")


def test_a_stopped_mysql_server_is_gone(mysql_server):
    port = port_of(mysql_server)
    running = processes_with(f"--port={port}")
    assert running
    datadir = Path(re.search(r"--datadir=(\S+)", running[0]).group(1))
    assert datadir.is_dir()
    mysql_server.stop()
    assert not processes_with(f"--port={port}")
    assert refuses_connections(port)
    assert not datadir.parent.exists()  # the whole temporary directory


def test_no_mysql_at_the_address():
    port = free_port()
    start = time.monotonic()
    backend = mysql.external({"MYSQL_HOST": "127.0.0.1", "MYSQL_PORT": str(port)})
    assert time.monotonic() - start < 15
    assert not backend.ready
    assert f"MySQL at 127.0.0.1:{port} did not answer" in backend.problem
    assert "Connection refused" in backend.problem and "STACK=local" in backend.problem
    assert "\n" not in backend.problem
    assert backend.env == {"MYSQL_HOST": "127.0.0.1", "MYSQL_PORT": str(port), "MYSQL_USER": "root",
                           "MYSQL_PASSWORD": "", "MYSQL_DATABASE": "analytics"}
