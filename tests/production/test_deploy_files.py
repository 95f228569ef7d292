"""deploy/: the nginx site passes `nginx -t` with real (self-signed) certificates, and the
environment file example names the settings config.py declares, all of them.

nginx is installed by scripts/install-test-deps.d/nginx.sh (run by `make test`); locally
without it the nginx test skips, in CI (CI=true) it fails."""

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)

# Read by config.py only for the test suite, never set in production.
TEST_ONLY = {"RATELIMIT_ENABLED"}


def declared_settings() -> set[str]:
    """The environment variables config.py (the app) and gunicorn.conf.py (the web server) read."""
    names = set()
    for path in (ROOT / "config.py", ROOT / "gunicorn.conf.py"):
        if path.exists():
            source = path.read_text(encoding="utf-8")
            names |= set(re.findall(r'(?:environ\.get|_env_int|_env_bool|_env_float|_int)\(\s*"([A-Z][A-Z0-9_]*)"', source))
    return names


def example_settings() -> list[str]:
    """Names set or shown (commented out) in the example, in order."""
    names = []
    for line in (DEPLOY / "kakehashi.env.example").read_text(encoding="utf-8").splitlines():
        match = re.match(r"#?\s*([A-Z][A-Z0-9_]*)=", line)
        if match:
            names.append(match.group(1))
    return names


def test_env_example_names_only_declared_settings():
    unknown = [name for name in example_settings() if name not in declared_settings()]
    assert not unknown, f"deploy/kakehashi.env.example names settings config.py does not declare: {unknown}"


def test_env_example_lists_every_production_setting_once():
    names = example_settings()
    missing = sorted(declared_settings() - TEST_ONLY - set(names))
    assert not missing, f"add these settings (with a comment) to deploy/kakehashi.env.example: {missing}"
    assert len(names) == len(set(names)), "a setting appears twice in deploy/kakehashi.env.example"


def test_env_example_selects_production():
    lines = (DEPLOY / "kakehashi.env.example").read_text(encoding="utf-8").splitlines()
    assert "KAKEHASHI_ENV=production" in lines


@pytest.fixture
def nginx():
    if NGINX is None:
        message = "nginx is not installed (scripts/install-test-deps.d/nginx.sh)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return NGINX


def _self_signed(folder: Path) -> tuple[Path, Path]:
    cert, key = folder / "fullchain.pem", folder / "privkey.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
         "-subj", "/CN=kakehashi.example.jp", "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )
    return cert, key


def _site_for_test(tmp_path: Path) -> str:
    """The site as shipped, with the certificate and log paths pointed into tmp_path."""
    cert, key = _self_signed(tmp_path)
    site = (DEPLOY / "nginx" / "kakehashi.conf").read_text(encoding="utf-8")
    for placeholder, path in (("/etc/ssl/kakehashi/fullchain.pem", cert),
                              ("/etc/ssl/kakehashi/privkey.pem", key),
                              ("/var/log/nginx/", f"{tmp_path}/")):
        assert placeholder in site
        site = site.replace(placeholder, str(path))
    return site


def _nginx_test(nginx: str, tmp_path: Path, site: str) -> subprocess.CompletedProcess:
    (tmp_path / "kakehashi.conf").write_text(site, encoding="utf-8")
    temp = "\n".join(f"  {kind}_temp_path {tmp_path}/{kind};"
                     for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\nevents {{}}\n"
        f"http {{\n  include /etc/nginx/mime.types;\n{temp}\n  include {tmp_path}/kakehashi.conf;\n}}\n",
        encoding="utf-8",
    )
    return subprocess.run([nginx, "-t", "-q", "-e", str(tmp_path / "error.log"), "-p", str(tmp_path),
                           "-c", str(tmp_path / "nginx.conf")], capture_output=True, text=True)


def test_nginx_site_is_valid(nginx, tmp_path):
    result = _nginx_test(nginx, tmp_path, _site_for_test(tmp_path))
    assert result.returncode == 0, result.stderr


def test_nginx_test_catches_a_broken_site(nginx, tmp_path):
    """The check above would notice a mistake: the same site with a typo is refused."""
    broken = _site_for_test(tmp_path).replace("proxy_pass http://kakehashi_web;", "proxy_pas http://kakehashi_web;", 1)
    result = _nginx_test(nginx, tmp_path, broken)
    assert result.returncode != 0 and "proxy_pas" in result.stderr


def test_nginx_site_serves_what_the_app_expects():
    site = (DEPLOY / "nginx" / "kakehashi.conf").read_text(encoding="utf-8")
    for header in ("X-Forwarded-For", "X-Forwarded-Proto", "Host"):
        assert re.search(rf"proxy_set_header {header} ", site), header
    assert "Strict-Transport-Security" in site and "return 301 https://" in site
    # Every static folder of the app is served by nginx, from where the checkout has it.
    for folder in sorted(ROOT.glob("app/**/static")):
        relative = folder.relative_to(ROOT / "app").as_posix()
        url = "/static/" if relative == "static" else f"/{relative}/"
        assert f"location {url} {{" in site and f"alias /srv/kakehashi/app/{relative}/;" in site, relative
    assert len(re.findall(r"^\s*server 127\.0\.0\.1:\d+", site, re.M)) >= 2


def test_systemd_units_start_the_app_as_documented():
    web = (DEPLOY / "systemd" / "kakehashi-web@.service").read_text(encoding="utf-8")
    worker = (DEPLOY / "systemd" / "kakehashi-worker.service").read_text(encoding="utf-8")
    assert "--bind 127.0.0.1:%i wsgi:app" in web and "--config gunicorn.conf.py" in web
    assert "ExecStart=/srv/kakehashi/.venv/bin/flask worker" in worker
    for unit in (web, worker):
        assert "EnvironmentFile=/etc/kakehashi/kakehashi.env" in unit


def test_env_example_reads_the_same_in_a_shell():
    """The `flask` commands of docs/deploy.md read the file with a shell (systemd reads it too):
    every value, quoted where it has spaces or < > ;, comes out whole."""
    path = DEPLOY / "kakehashi.env.example"
    script = f'set -eu; set -a; . "{path}"; set +a; env -0'
    result = subprocess.run(["bash", "-c", script], capture_output=True, text=True, env={"PATH": os.environ["PATH"]})
    assert result.returncode == 0 and not result.stderr, result.stderr
    shell = dict(item.split("=", 1) for item in result.stdout.split("\0") if "=" in item)
    for line in path.read_text(encoding="utf-8").splitlines():
        match = re.match(r"([A-Z][A-Z0-9_]*)=(.*)$", line)
        if match:
            assert shell[match.group(1)] == match.group(2).strip('"'), line
