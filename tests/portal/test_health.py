import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_healthz_is_200_when_database_and_queue_answer(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "failing": []}
    assert "no-cache" in response["Cache-Control"]


def test_healthz_is_503_naming_the_task_queue_when_its_broker_is_unreachable(tmp_path):
    # A real Redis broker on a port where nothing listens: the request must answer, not crash.
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings.test",
        "REDIS_URL": "redis://127.0.0.1:9/0",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'h.sqlite3'}",
    }
    code = (
        "import django; django.setup(); from django.test import Client; "
        "r = Client().get('/healthz'); print(r.status_code, r.json()['failing'])"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=env,  # noqa: S603
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.stdout.strip() == "503 ['task_queue']", result.stderr[-2000:]
