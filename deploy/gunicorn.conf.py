"""gunicorn settings for Baton's web service: ``gunicorn -c deploy/gunicorn.conf.py``.

Everything that differs between machines comes from the environment (deploy/baton.env.example).
Logs are JSON lines on stdout (baton.core.gunicorn_logging); the access log carries no query
string, client address or user agent.
"""

import multiprocessing
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from baton.core import metrics_files  # noqa: E402  (needs ROOT on the path)
from baton.core.gunicorn_logging import logconfig_dict as _logconfig  # noqa: E402

chdir = str(ROOT)
wsgi_app = "baton.wsgi:application"
bind = os.environ.get("BATON_BIND", "127.0.0.1:8000").split(",")
workers = int(os.environ.get("BATON_WEB_WORKERS", str(multiprocessing.cpu_count() * 2 + 1)))
threads = int(os.environ.get("BATON_WEB_THREADS", "1"))
timeout = int(os.environ.get("BATON_WEB_TIMEOUT", "60"))
graceful_timeout = 30
keepalive = 5
# Only the TLS proxy may set X-Forwarded-For / -Proto; list its address(es) here.
forwarded_allow_ips = os.environ.get("BATON_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
# No max_requests: every recycled worker would leave metric files behind (see docs/operations.md).

loglevel = os.environ.get("BATON_LOG_LEVEL", "INFO").lower()
logger_class = "baton.core.gunicorn_logging.JsonAccessLogger"
logconfig_dict = _logconfig(level=loglevel.upper())
accesslog = None  # the JSON handler of logconfig_dict writes the access log
errorlog = "-"
control_socket_disable = True  # gunicornc is not used; systemd sends the signals


def on_starting(server):
    """Before the workers start: forget metric files of processes that are gone."""
    metrics_files.prune()


def child_exit(server, worker):
    """A worker exited: drop its live gauges (prometheus_client multiprocess mode)."""
    metrics_files.process_exited(worker.pid)
