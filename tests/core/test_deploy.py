"""Closed by default, seen from a fresh process as an operator starts one: the deploy check with
only the two documented variables, DEBUG, HTTPS behind the proxy, the generated secret key, the
data folder, and the demo's refusal to mix its accounts with real ones."""

import hashlib
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
KEY = "k" * 20 + "-a-long-random-looking-production-key-0123456789"


def stiplan(*args, var=None, **variables):
    """`python -m stiplan ARGS` with only PATH, the code, the data folder and `variables`."""
    env = {"PATH": os.environ["PATH"], "PYTHONPATH": str(ROOT), **variables}
    if var is not None:
        env["STIPLAN_VAR_DIR"] = str(var)
    return subprocess.run([sys.executable, "-m", "stiplan", *args], env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=180)


def shell(code, **kwargs):
    return stiplan("shell", "--no-imports", "-c", code, **kwargs)


PRINT_KEY = ("from django.conf import settings; import hashlib; "
             "print(hashlib.sha256(settings.SECRET_KEY.encode()).hexdigest())")


def test_deploy_check_passes_with_only_the_two_variables():
    done = stiplan("check", "--deploy", "--fail-level", "WARNING", STIPLAN_SECRET_KEY=KEY,
                   STIPLAN_ALLOWED_HOSTS="stiplan.skhcn.example.vn")
    print(done.stdout, done.stderr)
    assert done.returncode == 0, done.stderr
    assert "no issues" in done.stdout


def test_passwords_are_hashed_with_pbkdf2_or_stronger(tmp_path):
    """The fast hasher of the test process (tests/conftest.py) is not the product's."""
    show = "from django.contrib.auth.hashers import get_hasher; print(get_hasher().algorithm)"
    assert shell(show, var=tmp_path).stdout.strip() in {"pbkdf2_sha256", "argon2", "scrypt"}


def test_debug_is_off_unless_asked_for(tmp_path):
    show = "from django.conf import settings; print(settings.DEBUG)"
    assert shell(show, var=tmp_path).stdout.strip() == "False"
    assert shell(show, var=tmp_path, STIPLAN_DEBUG="true").stdout.strip() == "False"
    assert shell(show, var=tmp_path, STIPLAN_DEBUG="1").stdout.strip() == "True"


def test_https_only_behind_the_proxy(tmp_path):
    """Plain http is sent to https; what the proxy marks as https is served, with HSTS and the
    policy; a form post from another origin is refused."""
    code = ("from django.test import Client; c = Client(enforce_csrf_checks=True); "
            "r = c.get('/accounts/login/'); print(r.status_code, r['Location']); "
            "r = c.get('/accounts/login/', HTTP_X_FORWARDED_PROTO='https'); "
            "print(r.status_code, r['Strict-Transport-Security']); "
            "print(r['Content-Security-Policy']); "
            "r = c.post('/accounts/login/', HTTP_X_FORWARDED_PROTO='https', "
            "HTTP_ORIGIN='https://evil.example'); print(r.status_code)")
    done = shell(code, var=tmp_path, STIPLAN_ALLOWED_HOSTS="testserver")
    redirect, served, policy, cross_site = done.stdout.splitlines()
    assert redirect == "301 https://testserver/accounts/login/", done.stderr
    assert served == "200 max-age=31536000; includeSubDomains; preload"
    assert set(policy.split("; ")) == {
        "default-src 'self'", "script-src 'self'", "style-src 'self'", "img-src 'self'",
        "font-src 'self'", "connect-src 'self'", "object-src 'none'", "base-uri 'none'",
        "form-action 'self'", "frame-ancestors 'none'"}
    assert cross_site == "403"


def test_a_fresh_data_folder_is_made_with_a_private_key(tmp_path):
    var = tmp_path / "not" / "yet" / "there"
    assert stiplan("check", var=var).returncode == 0
    # a command that opens the database (`stiplan demo` migrates a fresh folder: tests/demofolder.py)
    opened = stiplan("showmigrations", "core", var=var)
    assert opened.returncode == 0, opened.stderr
    key_file = var / "secret_key"
    assert key_file.stat().st_mode & 0o777 == 0o600
    assert (var / "private").is_dir() and (var / "stiplan.sqlite3").is_file()
    stored = hashlib.sha256(key_file.read_text().strip().encode()).hexdigest()
    assert shell(PRINT_KEY, var=var).stdout.strip() == stored  # reused, not made again
    assert len(key_file.read_text().strip()) >= 50


def test_racing_processes_share_one_key(tmp_path):
    var = tmp_path / "var"
    with ThreadPoolExecutor(max_workers=4) as pool:
        keys = list(pool.map(lambda _: shell(PRINT_KEY, var=var).stdout.strip(), range(4)))
    assert len(set(keys)) == 1 and len(keys[0]) == 64, keys
    assert [p.name for p in var.iterdir() if "secret" in p.name] == ["secret_key"]


def refused(done, *words):
    assert done.returncode != 0
    assert "stiplan refuses to start" in done.stderr and "Traceback" not in done.stderr
    for word in words:
        assert word in done.stderr, done.stderr
    return True


def test_a_key_others_can_read_is_refused(tmp_path):
    (tmp_path / "secret_key").write_text("x" * 60)
    (tmp_path / "secret_key").chmod(0o644)
    assert refused(stiplan("check", var=tmp_path), "0o644", "must be 0600")


def test_a_short_key_is_refused(tmp_path):
    key_file = tmp_path / "secret_key"
    key_file.write_text("short")
    key_file.chmod(0o600)
    assert refused(stiplan("check", var=tmp_path), "shorter than 50")


@pytest.mark.skipif(os.geteuid() != 0, reason="giving a file away needs root")
def test_a_key_owned_by_another_user_is_refused(tmp_path):
    key_file = tmp_path / "secret_key"
    key_file.write_text("x" * 60)
    key_file.chmod(0o600)
    os.chown(key_file, 65534, 65534)
    assert refused(stiplan("check", var=tmp_path), "not a file owned by the user")


@pytest.fixture
def read_only_folder(tmp_path):
    """A prepared data folder (its subfolders made, no key yet) that this process cannot write:
    by its mode, or for root (which ignores modes) as a read-only file system mounted there."""
    folder = tmp_path / "ro"
    folder.mkdir()
    if os.geteuid() != 0:
        (folder / "private").mkdir()
        (folder / "static").mkdir()
        folder.chmod(0o555)
        yield folder
        folder.chmod(0o755)
        return
    mount = ["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(folder)]
    if subprocess.run(mount, capture_output=True).returncode != 0:
        pytest.skip("no read-only folder for root here (mount refused)")
    (folder / "private").mkdir()
    (folder / "static").mkdir()
    subprocess.run(["mount", "-o", "remount,ro", str(folder)], check=True)
    yield folder
    subprocess.run(["umount", str(folder)], check=True)


def test_a_read_only_data_folder_without_a_key_refuses_to_start(read_only_folder):
    done = stiplan("check", var=read_only_folder)
    assert refused(done, str(read_only_folder / "secret_key"), "STIPLAN_SECRET_KEY")
    assert stiplan("check", var=read_only_folder, STIPLAN_SECRET_KEY=KEY).returncode == 0


def test_a_data_folder_that_cannot_be_made_refuses_to_start(read_only_folder):
    var = read_only_folder / "var"
    assert refused(stiplan("check", var=var), f"cannot create the data folder {var}")


def test_the_demo_refuses_a_database_with_other_users(tmp_path, demo_folder):
    """An installation that ran the demo, then got a real account: the demo is not run again."""
    var = tmp_path / "var"
    demo_folder.copy(var)
    made = shell("from django.contrib.auth.models import User; "
                 "User.objects.create_user('nguyen.van.a', password='x')", var=var)
    assert made.returncode == 0, made.stderr
    list_users = ("from django.contrib.auth.models import User; "
                  "print(sorted(User.objects.values_list('username', 'password')))")
    before = shell(list_users, var=var).stdout
    done = stiplan("demo", "--no-serve", var=var)
    assert done.returncode != 0
    assert "không phải tài khoản minh họa" in done.stderr and "not demo accounts" in done.stderr
    assert "nguyen.van.a" in done.stderr and "Traceback" not in done.stderr
    assert "'nguyen.van.a'" in before and shell(list_users, var=var).stdout == before
