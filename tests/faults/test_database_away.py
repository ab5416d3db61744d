"""The database out of reach: every page answers a plain 503 in both languages with Retry-After
(never a 500 or a traceback), and the service comes back by itself when the database does."""

from __future__ import annotations

import errno
import re
import socket
import sqlite3
import threading
import urllib.error
import urllib.request
from urllib.parse import urlencode, urlsplit, urlunsplit

import pytest
from django.db import OperationalError
from django.test import Client

from stiplan.demo.reference import DEMO_PASSWORD
from tests.faults.conftest import free_port, get, postgres_url, serve, stop

VIETNAMESE, ENGLISH = "Hệ thống tạm thời gián đoạn", "Service temporarily unavailable"
PAGES = ["/", "/plans/", "/api/v1/plans/"]


def assert_fault_page(status: int, headers: dict, body: str) -> None:
    assert status == 503, body[:2000]
    assert int(headers["Retry-After"]) > 0
    assert VIETNAMESE in body and ENGLISH in body
    assert "Traceback" not in body and "OperationalError" not in body


def assert_served(base: str) -> None:
    for page in PAGES:
        status, _headers, body = get(base + page)
        assert status == 200, (page, body[:2000])


# --- In the process: the middleware, whichever layer meets the fault ----------------------------

@pytest.mark.django_db
def test_a_fault_in_the_session_layer_or_a_view_gives_the_fault_page(monkeypatch):
    from django.contrib.sessions.backends.db import SessionStore

    client = Client(raise_request_exception=False)
    client.cookies["sessionid"] = "x" * 32

    def unreachable(self):
        raise OperationalError("connection refused")

    monkeypatch.setattr(SessionStore, "load", unreachable)
    response = client.get("/")
    assert_fault_page(response.status_code, response.headers, response.content.decode())

    monkeypatch.undo()
    from stiplan.web import views

    def disk_full(self, request, *args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(views.HomeView, "get", disk_full)
    response = client.get("/")
    body = response.content.decode()
    assert response.status_code == 507 and "hết chỗ" in body and "disk is full" in body
    assert "Retry-After" not in response.headers and "Traceback" not in body

    monkeypatch.setattr(views.HomeView, "get", lambda *a, **k: 1 / 0)  # other errors stay 500
    assert client.get("/").status_code == 500


# --- A real server and a real PostgreSQL behind a relay the test cuts ------------------------

class Relay:
    """A TCP relay between the web server and PostgreSQL: `cut` drops the listening socket and
    every open connection (the database is gone); `restore` listens again on the same port."""

    def __init__(self, host: str, port: int):
        self.target = (host, port)
        self.port = free_port()
        self.sockets: set[socket.socket] = set()
        self.listener: socket.socket | None = None

    def restore(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", self.port))
        threading.Thread(target=self._accept, args=(self.listener,), daemon=True).start()

    def cut(self) -> None:
        self.listener.shutdown(socket.SHUT_RDWR)
        self.listener.close()
        for sock in list(self.sockets):
            self._close(sock)
        self.sockets.clear()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _address = listener.accept()
            except OSError:
                return
            try:
                upstream = socket.create_connection(self.target)
            except OSError:
                client.close()
                continue
            self.sockets |= {client, upstream}
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        for sock in (source, sink):
            self._close(sock)

    @staticmethod
    def _close(sock: socket.socket) -> None:
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        sock.close()


@pytest.mark.slow
@pytest.mark.skipif(not postgres_url(), reason="needs PostgreSQL: set DATABASE_URL to a "
                    "postgres:// URL (the SQLite faults are tested below)")
def test_postgresql_going_away_gives_503_and_the_service_recovers(stack):
    parts = urlsplit(stack.database_url)
    relay = Relay(parts.hostname or "127.0.0.1", parts.port or 5432)
    relay.restore()
    through_relay = urlunsplit(parts._replace(netloc=f"{parts.username or 'postgres'}@127.0.0.1:"
                                                     f"{relay.port}"))
    server, base = serve(stack, env={"DATABASE_URL": through_relay}, log="server-pg.log")
    try:
        assert_served(base)
        for _round in range(2):  # gone and back, twice
            relay.cut()
            for page in PAGES:
                assert_fault_page(*get(base + page))
            relay.restore()
            assert_served(base)
    finally:
        stop(server)
        relay.cut()


# --- SQLite: a locked or unreadable database file ----------------------------------------------

def sign_in(base: str) -> tuple[int, dict, str]:
    """Sign in as a reporting officer through the form (CSRF token and cookie included), following
    the redirect: status, headers and body of the last answer."""
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor())
    form = opener.open(base + "/accounts/login/", timeout=30).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form)[1]
    data = urlencode({"csrfmiddlewaretoken": token, "username": "baocao.stc",
                      "password": DEMO_PASSWORD}).encode()
    request = urllib.request.Request(base + "/accounts/login/", data=data,
                                     headers={"Referer": base + "/accounts/login/"})
    try:
        with opener.open(request, timeout=60) as response:
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode()


@pytest.mark.slow
def test_sqlite_locked_or_unreadable_gives_503_and_the_service_recovers(sqlite_stack):
    database = sqlite_stack.var / "stiplan.sqlite3"
    server, base = serve(sqlite_stack, log="server-sqlite.log")
    try:
        assert_served(base)

        # Another program holds the write lock (a long write, a tool). The write-ahead log keeps
        # every page readable meanwhile; a sign-in, which writes its session, waits out the busy
        # timeout and gets the fault page.
        holder = sqlite3.connect(database, isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")
        assert_served(base)
        assert_fault_page(*sign_in(base))
        holder.rollback()
        holder.close()
        assert sign_in(base)[0] == 200

        moved = database.with_suffix(".moved")
        database.rename(moved)  # the file cannot be opened (a directory stands in its place)
        database.mkdir()
        try:
            assert_fault_page(*get(base + "/plans/"))
        finally:
            database.rmdir()
            moved.rename(database)
        assert_served(base)
    finally:
        stop(server)
