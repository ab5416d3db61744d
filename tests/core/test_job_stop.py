"""A worker told to stop raises JobStopped inside its running job, wherever the job is: inside a
query too. The connection must then still serve the write that ends the job failed (on
PostgreSQL a query the stop lands in is cancelled, not left running on the connection)."""

from __future__ import annotations

import signal

import pytest
from django.conf import settings
from django.db import OperationalError, connection, connections, transaction

from stiplan.core import jobs

pytestmark = pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"),
    reason="SQLite runs a query in the worker's own thread: a signal lands only between queries")


@pytest.fixture
def running_job(monkeypatch):
    """This process as a worker running a job, its stop handler on SIGALRM (the cluster sends
    SIGINT; the alarm delivers one while a query runs)."""
    monkeypatch.setitem(jobs._worker, "ack_id", "job-1")
    monkeypatch.setitem(jobs._worker, "stopping", False)
    previous = signal.signal(signal.SIGALRM, jobs._stop)
    yield
    signal.setitimer(signal.ITIMER_REAL, 0)
    signal.signal(signal.SIGALRM, previous)


@pytest.fixture
def worker_connection(db):
    """A connection of its own, in autocommit as a worker's is (the test's is in a transaction)."""
    own = connections.create_connection("default")
    yield own
    own.close()


def a_long_query_the_stop_lands_in(cursor) -> None:
    signal.setitimer(signal.ITIMER_REAL, 0.3)
    cursor.execute("SELECT pg_sleep(30)")


def test_a_stop_landing_in_a_query_leaves_the_connection_usable(running_job, worker_connection):
    with worker_connection.cursor() as cursor:
        with pytest.raises(jobs.JobStopped):
            a_long_query_the_stop_lands_in(cursor)
        cursor.execute("SELECT 1")  # the job's failure is written on this connection
        assert cursor.fetchone() == (1,)


def test_a_stop_landing_in_a_query_of_a_transaction_rolls_it_back(running_job, db):
    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMPORARY TABLE written (n int)")
        with pytest.raises(jobs.JobStopped), transaction.atomic():
            cursor.execute("INSERT INTO written VALUES (1)")
            a_long_query_the_stop_lands_in(cursor)
        cursor.execute("SELECT count(*) FROM written")
        assert cursor.fetchone() == (0,)


def a_stop_left_a_result_unread(conn) -> None:
    """What a stop landing just after psycopg sent a query, before it waits, leaves behind: the
    query's result, which nobody reads."""
    conn.ensure_connection()
    conn.connection.pgconn.send_query(b"SELECT 1")


def test_a_connection_a_stop_left_busy_is_dropped_and_the_next_statement_runs(transactional_db):
    a_stop_left_a_result_unread(connection)
    with pytest.raises(OperationalError, match="another command is already in progress"):
        connection.cursor().execute("SELECT 1")
    jobs.drop_busy_connections()
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        assert cursor.fetchone() == (1,)


def test_a_connection_inside_a_transaction_is_left_to_the_transaction(db):
    connection.ensure_connection()
    before = connection.connection
    jobs.drop_busy_connections()
    assert connection.connection is before
