"""docker-compose.yml and the Dockerfile agree with the project. There is no Docker engine where the
suite runs, so the file is read (PyYAML), not run: every variable it gives the portal is one the
settings or gunicorn.conf.py read, its commands are real manage.py commands and files, the nginx
configuration it mounts exists and names its services."""

import re

import pytest
import yaml
from django.core.management import get_commands

from .conftest import ROOT

COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]
APP = {
    name: spec
    for name, spec in SERVICES.items()
    if spec.get("build") or spec.get("image", "").startswith("citizen-portal")
}
READERS = [*sorted((ROOT / "portal" / "settings").glob("*.py")), ROOT / "gunicorn.conf.py"]
# Read by libraries themselves, not by our settings.
LIBRARY_VARIABLES = {"DJANGO_SETTINGS_MODULE"}


def read_variables():
    text = "\n".join(path.read_text() for path in READERS if path.exists())
    return set(
        re.findall(r"""(?:environ\.get|environ\[|getenv|env_bool|env_list|_int)\(?\s*["']([A-Z0-9_]+)["']""", text)
    )


def test_the_app_services_are_the_web_nodes_the_worker_and_the_one_shot_setup():
    assert set(APP) == {"migrate", "web1", "web2", "worker"}
    assert {"db", "redis", "minio", "minio-setup", "nginx"} <= set(SERVICES)


@pytest.mark.parametrize("service", sorted(APP))
def test_every_variable_given_to_the_portal_is_read_by_its_settings(service):
    known = read_variables() | LIBRARY_VARIABLES
    given = set(APP[service]["environment"])
    assert given - known == set(), f"{service} sets variables nothing reads: {sorted(given - known)}"
    for required in ("SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "REDIS_URL", "S3_BUCKET", "STATIC_ROOT"):
        assert required in given


def commands_of(spec):
    command = spec.get("command") or []
    return " ".join(command) if isinstance(command, list) else command


@pytest.mark.parametrize("service", sorted(APP))
def test_commands_name_real_manage_py_commands_and_files(service):
    command = commands_of(APP[service])
    assert command, f"{service} has no command"
    available = get_commands()
    for name in re.findall(r"manage\.py (\w+)", command):
        assert name in available, f"{service}: manage.py {name} does not exist"
    for path in re.findall(r"--config (\S+)", command):
        assert (ROOT / path).is_file(), f"{service}: {path} does not exist"
    if "gunicorn" in command:
        module = re.search(r"(\S+):application", command).group(1)
        assert (ROOT / (module.replace(".", "/") + ".py")).is_file()


def test_the_web_nodes_migrate_first_and_the_worker_runs_qcluster():
    migrate = commands_of(SERVICES["migrate"])
    for step in ("migrate", "collectstatic", "setup_schedules"):
        assert f"manage.py {step}" in migrate
    for node in ("web1", "web2", "worker"):
        assert SERVICES[node]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    assert commands_of(SERVICES["worker"]) == "python manage.py qcluster"


def test_mounted_files_exist_and_nginx_gets_deploy_nginx_conf():
    for name, spec in SERVICES.items():
        for volume in spec.get("volumes", []):
            source = volume.split(":")[0]
            if source.startswith("."):
                assert (ROOT / source).exists(), f"{name} mounts {source}, which does not exist"
            else:
                assert source in COMPOSE["volumes"], f"{name} uses an undeclared volume {source}"
    assert "./deploy/nginx.conf:/etc/nginx/nginx.conf:ro" in SERVICES["nginx"]["volumes"]


def test_nginx_conf_names_the_compose_services_and_paths():
    conf = (ROOT / "deploy" / "nginx.conf").read_text()
    upstream = re.findall(r"^\s*server (\S+):(\d+)", conf, re.M)
    assert {host for host, _port in upstream} == {"web1", "web2"}
    bind_port = APP["web1"]["environment"]["GUNICORN_BIND"].rsplit(":", 1)[1]
    assert {port for _host, port in upstream} == {bind_port}
    assert "http://minio:9000/portal/media/" in conf and APP["web1"]["environment"]["S3_BUCKET"] == "portal"
    static_root = APP["web1"]["environment"]["STATIC_ROOT"]
    assert f"alias {static_root}/;" in conf
    assert f"static:{static_root}:ro" in SERVICES["nginx"]["volumes"]
    nginx_ip = SERVICES["nginx"]["networks"]["portal"]["ipv4_address"]
    assert (
        APP["web1"]["environment"]["TRUSTED_PROXIES"] == nginx_ip == APP["web1"]["environment"]["FORWARDED_ALLOW_IPS"]
    )


def test_client_max_body_size_lets_the_largest_upload_through():
    from django.conf import settings

    conf = (ROOT / "deploy" / "nginx.conf").read_text()
    megabytes = int(re.search(r"client_max_body_size (\d+)m;", conf).group(1))
    assert settings.FORMS_BUILDER_MAX_UPLOAD_MB < megabytes <= settings.FORMS_BUILDER_MAX_UPLOAD_MB + 2


def test_the_dockerfile_copies_what_exists_and_runs_gunicorn_with_the_project_config():
    dockerfile = (ROOT / "Dockerfile").read_text()
    for source in re.findall(r"^COPY (\S+) ", dockerfile, re.M):
        assert (ROOT / source).exists(), source
    assert 'CMD ["gunicorn", "--config", "gunicorn.conf.py", "portal.wsgi:application"]' in dockerfile
    for ignored in (".env", ".venv", "deploy/tls"):
        assert ignored in (ROOT / ".dockerignore").read_text().split()
