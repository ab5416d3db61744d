"""Uploads are judged before they are read: the body by its declared length and its sender, the
workbook by its zip directory and a bounded count of shared strings and cells, within a time
budget. The issue's two attacks are measured in a separate process: a leader's 700 MB evidence
post against a real gunicorn server, and the 6-million-shared-strings workbook."""

import io
import json
import os
import re
import socket
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest
from django.contrib.messages import get_messages
from hypothesis import given, settings
from hypothesis import strategies as st

from stiplan.core.yamlio import InputError
from stiplan.demo.reference import DEMO_PASSWORD
from stiplan.reporting import xlsx_budget
from stiplan.reporting.excel import apply_upload, build_template

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
MB = 1024 * 1024


# --- the workbook budget ----------------------------------------------------------------------

def shared_strings_bomb(path: Path, count: int, declared: int | None = None) -> Path:
    """A workbook whose sharedStrings part holds `count` tiny strings (17 bytes each), written
    in blocks so the test itself never holds it unpacked."""
    declared = count if declared is None else declared
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml", "<workbook/>")
        with z.open("xl/sharedStrings.xml", "w") as part:
            part.write(b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
                       b'count="%d" uniqueCount="%d">' % (declared, declared))
            block = b"".join(b"<si><t>%d</t></si>" % (i % 10) for i in range(100_000))
            for _ in range(count // 100_000):
                part.write(block)
            part.write(b"</sst>")
    return path


def measure_parse(path: Path) -> dict:
    """Parse `path` as an upload in a fresh process; its time, tracemalloc peak and peak RSS
    growth, and the refusal."""
    script = f"""
import json, resource, sys, time, tracemalloc
import django
django.setup()
from stiplan.demo.reference import DEMO_PASSWORD
from stiplan.core.yamlio import InputError
from stiplan.reporting.excel import parse_upload
from stiplan.reporting.models import UnitReport
raw = open({str(path)!r}, "rb").read()
rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
tracemalloc.start()
started = time.perf_counter()
try:
    parse_upload(UnitReport(), raw)
    refusal = None
except InputError as exc:
    refusal = str(exc)
seconds = time.perf_counter() - started
peak = tracemalloc.get_traced_memory()[1]
rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({{"seconds": seconds, "traced_mb": peak / 2**20,
                  "rss_growth_mb": (rss_after - rss_before) / 1024, "rss_peak_mb": rss_after / 1024,
                  "refusal": refusal}}))
"""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "DJANGO_SETTINGS_MODULE": "stiplan.settings"}
    done = subprocess.run([PYTHON, "-c", script], capture_output=True, text=True, env=env,
                          timeout=300, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_the_issues_shared_strings_bomb_is_refused_in_under_2_s_and_100_mb(tmp_path):
    bomb = shared_strings_bomb(tmp_path / "bomb.xlsx", 6_000_000)
    with zipfile.ZipFile(bomb) as z:
        unpacked = sum(i.file_size for i in z.infolist())
    assert bomb.stat().st_size < 1 * MB and unpacked > 100 * 10**6  # the issue's: 253 KB, 104 MB

    got = measure_parse(bomb)

    print(f"\nshared-strings bomb: {bomb.stat().st_size / 1024:.0f} KB zipped, "
          f"{unpacked / 10**6:.0f} MB unpacked; refused in {got['seconds']:.3f} s, "
          f"tracemalloc peak {got['traced_mb']:.1f} MB, RSS growth {got['rss_growth_mb']:.1f} MB "
          f"(the whole process, Django included, peaked at {got['rss_peak_mb']:.0f} MB)")
    assert got["refusal"] is not None
    assert "quá nhiều chuỗi dùng chung" in got["refusal"]
    assert "too many shared strings" in got["refusal"]
    assert "unpacks to" in got["refusal"]
    assert got["seconds"] < 2.0
    assert got["traced_mb"] < 100 and got["rss_growth_mb"] < 100


def test_shared_strings_over_the_cap_are_refused_even_when_small_and_declared_few(tmp_path):
    """100,000 strings unpack to 1.6 MB, under every size cap, and claim to be one string."""
    bomb = shared_strings_bomb(tmp_path / "few.xlsx", 100_000, declared=1)

    got = measure_parse(bomb)

    print(f"\n100,000 shared strings, 1.6 MB unpacked: refused in {got['seconds']:.3f} s, "
          f"tracemalloc peak {got['traced_mb']:.1f} MB")
    assert "too many shared strings (over 20,000)" in got["refusal"]
    assert "unpacks to" not in got["refusal"]


def styles_bomb(path: Path, formats: int) -> Path:
    """A real workbook whose styles part declares `formats` cell formats."""
    book = openpyxl.Workbook()
    book.active["A1"] = "x"
    plain = io.BytesIO()
    book.save(plain)
    with zipfile.ZipFile(plain) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == "xl/styles.xml":
                xf = b'<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
                data = data.replace(b'<cellXfs count="1">',
                                    b'<cellXfs count="%d">' % formats + xf * (formats - 1), 1)
            z.writestr(item, data)
    return path


def test_a_styles_bomb_is_refused_naming_the_styles(tmp_path):
    """400,000 cell formats in 75 KB took openpyxl 650 MB before the budget counted them."""
    bomb = styles_bomb(tmp_path / "styles.xlsx", 400_000)

    got = measure_parse(bomb)

    print(f"\nstyles bomb, {bomb.stat().st_size / 1024:.0f} KB: refused in {got['seconds']:.3f} s, "
          f"tracemalloc peak {got['traced_mb']:.1f} MB")
    assert "too many styles, names and sheets (over 10,000)" in got["refusal"]


def cells_workbook(cells_per_row: int, rows: int, prefix: str = "") -> bytes:
    out = io.BytesIO()
    tag = f"{prefix}:" if prefix else ""
    row = f"<{tag}c/>" * cells_per_row  # empty cells: a few bytes each, under the size caps
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/workbook.xml", "<workbook/>")
        z.writestr("xl/worksheets/sheet1.xml", "<worksheet><sheetData>" + "".join(
            f"<{tag}row>{row}</{tag}row>" for _ in range(rows)) + "</sheetData></worksheet>")
    return out.getvalue()


@pytest.mark.django_db
@pytest.mark.parametrize("prefix", ["", "x"])
def test_a_workbook_of_too_many_cells_is_refused_naming_the_cells(stc, reporter, prefix):
    with pytest.raises(InputError) as refused:
        apply_upload(stc, cells_workbook(1000, 51, prefix), by=reporter)
    assert "quá nhiều ô (trên 50,000)" in str(refused.value)
    assert "too many cells" in str(refused.value)


@pytest.mark.django_db
def test_a_part_over_its_cap_is_refused_naming_the_part(stc, reporter):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/workbook.xml", "<workbook/>")
        z.writestr("xl/styles.xml", b" " * (xlsx_budget.MAX_PART + 1))
    with pytest.raises(InputError) as refused:
        apply_upload(stc, out.getvalue(), by=reporter)
    assert "phần «xl/styles.xml» giải nén ra 15 MB" in str(refused.value)
    assert "unpacks to" not in str(refused.value).split("part 'xl/styles.xml'")[0]


@pytest.mark.django_db
def test_reading_over_the_time_budget_is_refused(stc, reporter, monkeypatch):
    monkeypatch.setattr(xlsx_budget, "SECONDS", -1.0)
    with pytest.raises(InputError, match="reading took over -1 s"):
        apply_upload(stc, build_template(stc), by=reporter)


@pytest.mark.django_db
def test_a_real_template_is_well_inside_every_cap(stc, reporter):
    raw = build_template(stc)
    with zipfile.ZipFile(io.BytesIO(raw)) as z:
        budget = xlsx_budget.Budget()
        budget.check_archive(z)
        counts = budget.count(z, z.infolist())
        unpacked = sum(i.file_size for i in z.infolist())
    assert all(counts[kind] < kind.cap / 50 for kind in xlsx_budget.COUNTED), counts
    assert unpacked < xlsx_budget.MAX_UNPACKED / 10
    assert apply_upload(stc, raw, by=reporter) == 0


@pytest.mark.django_db
def test_the_bomb_through_the_page_is_refused_with_its_message(stc, login, tmp_path):
    client = login("baocao.stc")
    upload = io.BytesIO(shared_strings_bomb(tmp_path / "b.xlsx", 100_000).read_bytes())
    upload.name = "bao-cao.xlsx"
    response = client.post(f"/reporting/reports/{stc.pk}/upload/", {"file": upload})
    assert response.status_code == 302
    shown = " ".join(str(m) for m in get_messages(response.wsgi_request))
    assert "quá nhiều chuỗi dùng chung" in shown


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["<si>", "<x:si ", "<c r='A1'>", "<c/>", "</x:c>", "<col>",
                                 "<sig>", "text", "<", "s", "i", ">", "\n"]), max_size=60),
       st.integers(1, 9))
def test_the_streaming_count_matches_a_whole_count_at_any_chunk_size(pieces, chunk):
    xml = "".join(pieces).encode()
    expected = (len(re.findall(rb"[<:]si[>\s/]", xml)), len(re.findall(rb"[<:]c[>\s/]", xml)))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("xl/sharedStrings.xml", xml)
    with zipfile.ZipFile(out) as z:
        original = xlsx_budget._CHUNK
        xlsx_budget._CHUNK = chunk
        try:
            counts = xlsx_budget.Budget().count(z, z.infolist())
        finally:
            xlsx_budget._CHUNK = original
    strings, cells, _records = xlsx_budget.COUNTED
    assert (counts[strings], counts[cells]) == expected


# --- bodies judged before they are read ---------------------------------------------------------

class Unreadable:
    """A request body that fails the test if anything reads it."""

    def read(self, *args):
        raise AssertionError("the body was read")

    readline = read


def post_unread(client, url: str, length: int, **extra):
    return client.generic("POST", url, b"", CONTENT_TYPE="multipart/form-data; boundary=x",
                          CONTENT_LENGTH=str(length), **{"wsgi.input": Unreadable()}, **extra)


@pytest.mark.django_db
def test_a_leaders_700_mb_evidence_post_is_refused_unread(stc, login):
    response = post_unread(login("lanhdao"), f"/reporting/reports/{stc.pk}/evidence/", 700 * MB)
    assert response.status_code == 413
    text = response.content.decode()
    assert "Nội dung gửi lên quá lớn (700 MB, tối đa 10 MB)" in text
    assert "request body too large" in text


@pytest.mark.django_db
@pytest.mark.parametrize("route", ["evidence", "upload"])
def test_a_leaders_post_within_the_limit_is_forbidden_unread(stc, login, route):
    response = post_unread(login("lanhdao"), f"/reporting/reports/{stc.pk}/{route}/", 9 * MB)
    assert response.status_code == 403
    assert "you may not upload here; the file was not read" in response.content.decode()


@pytest.mark.django_db
def test_the_reporter_of_the_unit_does_get_the_body_read(stc, login):
    """The other side of the tests above: the allowed sender's body is read (by the CSRF and
    form parsing), so an unreadable body fails."""
    with pytest.raises(AssertionError, match="the body was read"):
        post_unread(login("baocao.stc"), f"/reporting/reports/{stc.pk}/evidence/", 9 * MB)


@pytest.mark.django_db
def test_another_units_officer_gets_404_and_a_visitor_the_login_page_unread(stc, login, client):
    assert post_unread(client, f"/reporting/reports/{stc.pk}/evidence/", MB).status_code == 302
    other = post_unread(login("baocao.sgddt"), f"/reporting/reports/{stc.pk}/evidence/", MB)
    assert other.status_code == 404


@pytest.mark.django_db
def test_the_api_refuses_a_leader_unread_by_session_and_by_credentials_header(stc, login, client):
    url = f"/api/v1/reports/{stc.pk}/upload/"
    by_session = post_unread(login("lanhdao"), url, 9 * MB)
    assert by_session.status_code == 403
    assert "the file was not read" in by_session.json()["detail"]
    client.logout()
    import base64

    basic = "Basic " + base64.b64encode(f"lanhdao:{DEMO_PASSWORD}".encode()).decode()
    by_header = post_unread(client, url, 9 * MB, HTTP_AUTHORIZATION=basic)
    assert by_header.status_code == 403 and by_header.json()["detail"]
    anonymous = post_unread(client, url, 9 * MB)
    assert anonymous.status_code == 403  # DRF refuses before its action reads the body
    too_big = post_unread(client, url, 700 * MB)
    assert too_big.status_code == 413 and "request body too large" in too_big.json()["detail"]


@pytest.mark.django_db
def test_a_body_of_unknown_length_is_refused_unread(stc, login):
    response = login("baocao.stc").generic(
        "POST", f"/reporting/reports/{stc.pk}/evidence/", b"", CONTENT_LENGTH="",
        HTTP_TRANSFER_ENCODING="chunked", **{"wsgi.input": Unreadable()})
    assert response.status_code == 411
    assert "Content-Length" in response.content.decode()


@pytest.mark.django_db
def test_a_plain_form_post_over_the_general_limit_is_refused_unread(login, stc):
    response = post_unread(login("baocao.stc"), f"/reporting/reports/{stc.pk}/", 13 * MB)
    assert response.status_code == 413


@pytest.mark.django_db
def test_a_nul_in_a_form_value_is_still_refused(login, stc):
    response = login("baocao.stc").post(f"/reporting/reports/{stc.pk}/", {"verb": "save\x00"})
    assert response.status_code == 400


# --- against a real server: the server's memory while a leader posts 700 MB ----------------------

SERVER_SETUP = """
import json
import django
django.setup()
from django.contrib.auth import get_user_model
from django.test import Client
from stiplan.reporting.models import UnitReport
report = UnitReport.objects.get(round__kind="annual", round__year=2025, unit__code="VL25.STC")
client = Client()
client.force_login(get_user_model().objects.get(username="lanhdao"))
print(json.dumps({"report": report.pk, "session": client.cookies["sessionid"].value}))
"""


def _peak_rss_mb(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"VmHWM:\s+(\d+) kB", status).group(1)) / 1024


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory, demo_folder):
    """gunicorn (one sync worker, as in production) over a copy of the demo's data folder."""
    var = tmp_path_factory.mktemp("server-var")
    demo_folder.copy(var)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "DJANGO_SETTINGS_MODULE": "stiplan.settings",
           "STIPLAN_VAR_DIR": str(var), "STIPLAN_JOBS_SYNC": "1", "STIPLAN_DEBUG": "1",
           "STIPLAN_SECRET_KEY": "x" * 50, "STIPLAN_ALLOWED_HOSTS": "127.0.0.1"}
    env.pop("DATABASE_URL", None)
    made = subprocess.run([PYTHON, "-c", SERVER_SETUP], env=env, capture_output=True, text=True,
                          timeout=600, check=True)
    data = json.loads(made.stdout.strip().splitlines()[-1])
    port = _free_port()
    gunicorn = Path(PYTHON).with_name("gunicorn")
    process = subprocess.Popen([str(gunicorn), "--workers", "1", "--bind", f"127.0.0.1:{port}",
                                "stiplan.wsgi:application"], env=env, cwd=var,
                               stderr=subprocess.DEVNULL)
    try:
        for _ in range(300):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        children = Path(f"/proc/{process.pid}/task/{process.pid}/children")
        for _ in range(100):
            if children.read_text().split():
                break
            time.sleep(0.1)
        worker = int(children.read_text().split()[0])
        # Warm the worker (imports, templates, the refusal page) so what follows is the body's.
        for _ in range(2):
            stream_post(port, f"/reporting/reports/{data['report']}/evidence/", data["session"],
                        700 * MB)
            stream_post(port, f"/reporting/reports/{data['report']}/evidence/", data["session"],
                        MB)
        yield {**data, "port": port, "worker": worker}
    finally:
        process.terminate()
        process.wait(timeout=30)


CSRF = "a" * 32  # a CSRF secret sent as cookie and header, as a signed-in browser would


def stream_post(port: int, path: str, session: str, total: int, *, chunked: bool = False):
    """POST a well-formed multipart body of `total` bytes (a PDF under "file") in 64 KB pieces,
    stopping as soon as the server answers; returns the status, the bytes sent before the
    answer and the seconds it took."""
    head = (f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nOrigin: https://127.0.0.1\r\n"
            f"Cookie: sessionid={session}; csrftoken={CSRF}\r\nX-CSRFToken: {CSRF}\r\n"
            f"X-Forwarded-Proto: https\r\nContent-Type: multipart/form-data; boundary=xyz\r\n"
            + ("Transfer-Encoding: chunked\r\n" if chunked else f"Content-Length: {total}\r\n")
            + "\r\n").encode()
    opening = (b'--xyz\r\nContent-Disposition: form-data; name="file"; filename="big.pdf"\r\n'
               b"Content-Type: application/pdf\r\n\r\n%PDF-1.4\n")
    closing = b"\r\n--xyz--\r\n"
    filler = total - len(opening) - len(closing)
    pieces = [opening, *[b"0" * 65536] * (filler // 65536), b"0" * (filler % 65536), closing]
    if chunked:
        pieces = [b"%x\r\n%s\r\n" % (len(p), p) for p in pieces if p] + [b"0\r\n\r\n"]
    started = time.perf_counter()
    sent = 0
    with socket.create_connection(("127.0.0.1", port)) as s:
        s.sendall(head)
        s.setblocking(False)
        answer, closed = b"", False
        for piece in pieces:
            pending = memoryview(piece)
            while pending and not answer:
                try:
                    answer = s.recv(4096)
                except BlockingIOError:
                    pass
                try:
                    n = s.send(pending)
                    sent += n
                    pending = pending[n:]
                except BlockingIOError:
                    time.sleep(0.001)
                except (BrokenPipeError, ConnectionResetError):
                    closed = True
                    break
            if answer or closed:
                break
        s.setblocking(True)
        s.settimeout(60)
        while b"\r\n" not in answer:
            answer += s.recv(4096)
    return int(answer.split()[1]), sent, time.perf_counter() - started


@pytest.mark.parametrize(("case", "total", "chunked", "status"), [
    ("700 MB with its length", 700 * MB, False, 413),
    ("700 MB chunked, no length", 700 * MB, True, 411),
    ("9.9 MB, within the limit", int(9.9 * MB), False, 403),
])
def test_a_leaders_large_evidence_post_to_a_real_server_is_refused_before_it_is_read(
        server, case, total, chunked, status):
    before = _peak_rss_mb(server["worker"])

    got, sent, seconds = stream_post(server["port"], f"/reporting/reports/{server['report']}/"
                                     "evidence/", server["session"], total, chunked=chunked)

    after = _peak_rss_mb(server["worker"])
    print(f"\nleader's evidence post, {case}: HTTP {got} after {seconds:.2f} s with "
          f"{sent / MB:.1f} of {total / MB:.1f} MB sent; worker peak RSS {before:.1f} → "
          f"{after:.1f} MB")
    assert got == status
    if total > 100 * MB:
        assert sent < total / 10  # answered long before the body was sent
    assert after - before < min(5, total / MB / 2)  # the worker did not take the body in
