"""gunicorn settings: `gunicorn -c gunicorn.conf.py` (coopplan.wsgi, production settings).

Every knob comes from the environment so that systemd units, the load test and containers share
this one file:

GUNICORN_BIND              127.0.0.1:8000 (nginx in front); a unix socket as unix:/run/…/sock
GUNICORN_WORKERS           2 × cores + 1
GUNICORN_THREADS           1 (sync workers); more turns on gthread workers (raise DB_POOL_MAX_SIZE)
GUNICORN_TIMEOUT           120 s: PDFs render in the request up to EXPORT_INLINE_MAX_TASKS (300)
                           tasks, ~35 ms a task here (~10 s), larger ones in db_worker; the rest
                           is margin for a loaded machine
GUNICORN_GRACEFUL_TIMEOUT  30 s to finish running requests on restart
GUNICORN_MAX_REQUESTS      a worker is replaced after 1000 requests (WeasyPrint's memory), ± 10 %
FORWARDED_ALLOW_IPS        proxies whose X-Forwarded-* headers are trusted; 127.0.0.1,::1
GUNICORN_CONTROL_SOCKET    path of gunicorn's control socket (gunicornc); none by default

Logs: JSON lines on stdout, the access log one line per request with its X-Request-ID; secrets
in addresses (calendar feed tokens, ?token=…) are redacted in every line (coopplan.observability).
"""

import multiprocessing
import os

wsgi_app = "coopplan.wsgi:application"

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000").split(",")
workers = int(os.environ.get("GUNICORN_WORKERS") or multiprocessing.cpu_count() * 2 + 1)
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "120"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "5"))
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "1000"))
max_requests_jitter = int(os.environ.get("GUNICORN_MAX_REQUESTS_JITTER", str(max_requests // 10)))
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
# gunicorn's control socket is one per user by default: two servers on a machine would share
# it. Off unless a path is given.
control_socket = os.environ.get("GUNICORN_CONTROL_SOCKET", "")
control_socket_disable = not control_socket
# No preload: each worker opens its own database pool after the fork.
preload_app = False


def post_worker_init(worker):
    """Load what the requests need (``coopplan.warmup``: every view module, the templates
    compiled, font metrics, the documents' code version), then put it out of the garbage
    collector's reach: a full collection otherwise walks that whole heap every few hundred
    requests, the slowest 5 % of page answers (report form p95 135 ms → 70 ms in-process, median
    unchanged). Objects made by requests are still collected as before."""
    import gc

    from coopplan.warmup import worker_warm

    worker_warm()
    gc.collect()
    gc.freeze()


accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# The message of each access line; the fields (status, duration, request id …) are added by
# coopplan.observability.GunicornAccessFilter from gunicorn's atoms.
access_log_format = "%(m)s %(U)s %(s)s"
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"access": {"()": "coopplan.observability.GunicornAccessFilter"}},
    "formatters": {
        "json": {
            "()": "coopplan.observability.RedactingJsonFormatter",
            "fmt": "%(levelname)s %(name)s %(message)s",
            "rename_fields": {"levelname": "level", "name": "logger"},
            "timestamp": True,
        }
    },
    "handlers": {
        "stdout": {
            "class": "logging.StreamHandler",
            "formatter": "json",
            "stream": "ext://sys.stdout",
        },
        "access": {
            "class": "logging.StreamHandler",
            "formatter": "json",
            "filters": ["access"],
            "stream": "ext://sys.stdout",
        },
    },
    "root": {"level": "INFO", "handlers": ["stdout"]},
    "loggers": {
        "gunicorn.error": {"handlers": ["stdout"], "level": loglevel.upper(), "propagate": False},
        "gunicorn.access": {"handlers": ["access"], "level": "INFO", "propagate": False},
    },
}
