"""B6: the customer list API over HTTP under load.

gunicorn serves Baton with production settings (``BATON_ENV=production``, ``DEBUG`` off, the
JSON access log, Prometheus multiprocess metrics) from ``deploy/gunicorn.conf.py`` with
``WORKERS`` sync workers for the two cores, on the benchmark's database and with the keys the
dataset was made with. ``wrk`` (Debian: ``apt-get install -y wrk``) then keeps 16 connections busy
for 30 s after a 5 s warm-up, cycling through B1's requests: the team lead's and the department
head's first pages, unfiltered, filtered by tier and searched, each with its bearer token. The
mix is checked first: every URL must answer over HTTP what B1's SQL baseline answers.

There is no SQL baseline for throughput; the targets are absolute: at least 200 requests/s with
a 95th percentile of at most 150 ms, and not one error.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from bench.common import BenchContext, Result, check_equal
from bench.scenarios import b1_customer_list as b1

ROOT = Path(__file__).resolve().parents[2]
CONNECTIONS = 16
DURATION_S = 30
WARMUP_S = 5
WORKERS = 4  # sync workers: 2 × cores, PostgreSQL and wrk share the same two cores
TARGET_RPS = 200.0
TARGET_P95_MS = 150.0

# Cycles through the requests; prints one JSON line with what the run measured.
WRK_SCRIPT = """
local requests = {}
local i = 0
init = function(args)
  for line in io.lines(os.getenv("B6_REQUESTS")) do
    local token, path = line:match("^(%S+) (%S+)$")
    requests[#requests + 1] = wrk.format("GET", path, {["Authorization"] = "Bearer " .. token})
  end
end
request = function()
  i = i % #requests + 1
  return requests[i]
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'B6 {"requests": %d, "duration_us": %d, "p50_us": %d, "p95_us": %d, "p99_us": %d, '
    .. '"mean_us": %.1f, "connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), latency.mean, e.connect, e.read, e.write, e.status, e.timeout))
end
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _server_env(port: int, metrics_dir: str) -> dict[str, str]:
    """Production settings, the benchmark's database and the dataset's keys."""
    from django.conf import settings

    env = dict(os.environ)
    env.update(
        BATON_ENV="production",
        BATON_DEBUG="0",
        BATON_SECRET_KEY=settings.SECRET_KEY,
        BATON_FIELD_KEY=settings.FIELD_ENCRYPTION_KEY,
        BATON_FIELD_HASH_KEY=settings.FIELD_HASH_KEY,
        BATON_AUDIT_SIGNING_KEY=settings.AUDIT_SIGNING_KEY,
        BATON_ALLOWED_HOSTS="127.0.0.1",
        BATON_BIND=f"127.0.0.1:{port}",
        BATON_WEB_WORKERS=str(WORKERS),
        BATON_WEB_THREADS="1",
        PROMETHEUS_MULTIPROC_DIR=metrics_dir,
    )
    return env


def _start_server(port: int, workdir: Path) -> subprocess.Popen[bytes]:
    conf = ROOT / "deploy" / "gunicorn.conf.py"
    gunicorn = ROOT / ".venv" / "bin" / "gunicorn"
    if conf.exists():
        command = [str(gunicorn), "-c", str(conf)]
    else:  # the deployment's settings are not there yet: the same essentials as flags
        command = [str(gunicorn), "baton.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", str(WORKERS)]
    metrics = workdir / "metrics"
    metrics.mkdir()
    log = (workdir / "gunicorn.log").open("wb")
    return subprocess.Popen(  # noqa: S603 - our own gunicorn, fixed arguments
        command,
        cwd=ROOT,
        env=_server_env(port, str(metrics)),
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def _get(url: str, token: str) -> tuple[int, bytes]:
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - our local server
            return int(response.status), response.read()
    except urllib.error.HTTPError as exc:
        return int(exc.code), exc.read()


def _wait_ready(server: subprocess.Popen[bytes], base: str, token: str, workdir: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            break
        try:
            if _get(f"{base}/api/v1/auth/me/", token)[0] == 200:
                return
        except OSError:
            time.sleep(0.3)
    log = (workdir / "gunicorn.log").read_text(errors="replace")[-3000:]
    raise RuntimeError(f"B6: gunicorn did not come up on {base}:\n{log}")


def _stop(server: subprocess.Popen[bytes]) -> None:
    server.terminate()  # the master stops its workers gracefully
    try:
        server.wait(timeout=40)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait(timeout=10)


def _mix(ctx: BenchContext, base: str) -> list[tuple[str, str]]:
    """B1's requests as (token, path), each checked over HTTP against B1's SQL baseline."""
    from bench.facts import api_token

    tokens: dict[int, str] = {}
    mix = []
    for user, case in b1.cases(ctx):
        token = tokens.setdefault(user.pk, api_token(user))
        path = b1.PATH + ("?" + urlencode(case.params) if case.params else "")
        status, body = _get(base + path, token)
        if status != 200:
            raise AssertionError(f"B6: {path} as {case.who} answered {status}: {body[:300]!r}")
        data = json.loads(body)
        ours = ([row["id"] for row in data["results"]], int(data["count"]))
        check_equal(f"B6 {case.who}, {case.label}", ours, b1.baseline(case, user.employee.pk))
        mix.append((token, path))
    return mix


def _wrk(base: str, workdir: Path, seconds: int) -> dict[str, Any]:
    script = workdir / "b6.lua"
    script.write_text(WRK_SCRIPT, encoding="utf-8")
    wrk = shutil.which("wrk")
    assert wrk is not None
    command = [wrk, "-t2", f"-c{CONNECTIONS}", f"-d{seconds}s", "--timeout", "5s", "-s", str(script), base]
    env = dict(os.environ, B6_REQUESTS=str(workdir / "requests.txt"))
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)  # noqa: S603
    lines = [line for line in done.stdout.splitlines() if line.startswith("B6 ")]
    if done.returncode != 0 or not lines:
        raise RuntimeError(f"B6: wrk failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    stats: dict[str, Any] = json.loads(lines[-1][3:])
    stats["summary"] = done.stdout
    return stats


def run(ctx: BenchContext) -> list[Result]:
    from bench.facts import api_token

    if shutil.which("wrk") is None:
        raise RuntimeError("B6 needs wrk: install it with `apt-get install -y wrk` (Debian), then run again")
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory(prefix="baton-b6-") as tmp:
        workdir = Path(tmp)
        server = _start_server(port, workdir)
        try:
            _wait_ready(server, base, api_token(ctx.facts["team_lead"]), workdir)
            mix = _mix(ctx, base)
            (workdir / "requests.txt").write_text("".join(f"{t} {p}\n" for t, p in mix), encoding="utf-8")
            _wrk(base, workdir, WARMUP_S)
            load_before = os.getloadavg()[0]
            stats = _wrk(base, workdir, DURATION_S)
            stats["loadavg_1min"] = {"before": load_before, "after": os.getloadavg()[0]}
        finally:
            _stop(server)
    errors = {k: stats[k] for k in ("connect", "read", "write", "status", "timeout") if stats[k]}
    if errors:
        raise AssertionError(f"B6: requests failed under load: {errors}\n{stats['summary']}")
    rps = stats["requests"] / (stats["duration_us"] / 1e6)
    p50, p95 = stats["p50_us"] / 1000, stats["p95_us"] / 1000
    met = rps >= TARGET_RPS and p95 <= TARGET_P95_MS
    note = (
        f"gunicorn {WORKERS} sync workers (deploy/gunicorn.conf.py, BATON_ENV=production), "
        f"wrk -t2 -c{CONNECTIONS} -d{DURATION_S}s over {len(mix)} B1 requests"
    )
    extra = {"wrk": {k: v for k, v in stats.items() if k != "summary"}, "p50_ms": round(p50, 2)}
    return [
        Result(
            scenario="B6",
            case=f"customer list over HTTP, {CONNECTIONS} clients, throughput",
            unit="req/s",
            ours=round(rps, 1),
            baseline=None,
            target=f"≥ {TARGET_RPS:g} req/s with p95 ≤ {TARGET_P95_MS:g} ms",
            met=met,
            lower_is_better=False,
            note=note,
            extra=extra,
        ),
        Result(
            scenario="B6",
            case=f"customer list over HTTP, {CONNECTIONS} clients, p95",
            unit="ms",
            ours=round(p95, 2),
            baseline=None,
            target=f"≤ {TARGET_P95_MS:g} ms at ≥ {TARGET_RPS:g} req/s",
            met=met,
            note=f"p50 {p50:.1f} ms; " + note,
            extra=extra,
        ),
    ]
