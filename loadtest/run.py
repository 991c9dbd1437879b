"""`make loadtest`: gunicorn with the production settings on PostgreSQL, 50 virtual users for 60 s,
then every acknowledged save is looked up in the database.

    .venv/bin/python loadtest/run.py [--users 50] [--duration 60] [--faults]

Steps: a fresh database (dropped and recreated), migrate, the seed, load-test accounts and
rounds (setup_data.py), collectstatic into a temporary folder, gunicorn on 127.0.0.1 and a free
port with the background worker (db_worker) beside it, the virtual users (driver.py), both
stopped (always, Ctrl+C included), the figures, the check (accounting.py). With --faults: one
gunicorn worker killed with SIGKILL at 20 s and PostgreSQL restarted at 35 s; the app must serve
every role again by itself.

Exit status: 0 when nothing acknowledged was lost (and, without faults, no request failed; with
faults, every role was served again in the last 10 s); 1 otherwise.
"""

from __future__ import annotations

import argparse
import csv
import os
import resource
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from datetime import datetime
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from loadtest import accounting  # noqa: E402
from loadtest.accounting import StoredReport  # noqa: E402
from loadtest.driver import Journal, users_run  # noqa: E402

PG_BASE = os.environ.get("LOADTEST_PG", "postgres://postgres@127.0.0.1:5432")
ROLES = ("reporter", "coordinator", "leader")
# The worker's niceness, as deploy/coopplan-worker.service sets it (Nice=10).
WORKER_NICE = 10
NICE = shutil.which("nice") or "/usr/bin/nice"


def say(message: str) -> None:
    print(message, flush=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def database_recreate(name: str) -> None:
    import psycopg

    with psycopg.connect(f"{PG_BASE}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def django(env: dict, *args: str, log: Path) -> None:
    """A manage.py (or setup) step with the production settings; its output goes to the log."""
    with log.open("a") as out:
        result = subprocess.run(  # noqa: S603 - our own interpreter and scripts
            [sys.executable, *args], cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT
        )
    if result.returncode:
        say("\n".join(log.read_text().splitlines()[-15:]))
        raise SystemExit(
            f"Bước chuẩn bị «{' '.join(args)}» lỗi (mã {result.returncode}); xem {log}"
        )


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _self_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _process_cpu(pid: int) -> float:
    """User + system seconds of a running process (fields 14 and 15 of /proc/PID/stat)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Gunicorn:
    def __init__(self, env: dict, port: int, log: Path):
        self.env, self.port, self.log = env, port, log
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        command = [str(Path(sys.executable).with_name("gunicorn"))]
        if (ROOT / "gunicorn.conf.py").exists():
            command += ["-c", "gunicorn.conf.py"]
        else:
            command += ["coopplan.wsgi:application", "--workers", "5"]
        command += ["--bind", f"127.0.0.1:{self.port}"]
        self.out = self.log.open("a")
        # Its own session: Ctrl+C reaches us, and we stop it in order.
        self.process = subprocess.Popen(  # noqa: S603
            command,
            cwd=ROOT,
            env=self.env,
            stdout=self.out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        url = f"http://127.0.0.1:{self.port}/healthz"
        for _ in range(120):
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn dừng ngay khi khởi động; xem {self.log}")
            try:
                if requests.get(url, timeout=2).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.5)
        raise RuntimeError(f"gunicorn không trả lời /healthz sau 60 s; xem {self.log}")

    def workers(self) -> list[int]:
        if self.process is None:
            return []
        pid = self.process.pid
        try:
            children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        except OSError:
            return []
        return sorted(int(c) for c in children)

    def cpu_seconds(self) -> float:
        """CPU used so far by the master and its live workers."""
        if self.process is None:
            return 0.0
        return sum(_process_cpu(pid) for pid in [self.process.pid, *self.workers()])

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=40)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        self.out.close()


class Worker:
    """The background worker beside gunicorn, as deploy/coopplan-worker.service runs it: the
    documents rebuilt after each submit, return and accept, the e-mails, the large PDFs."""

    def __init__(self, env: dict, log: Path):
        self.env, self.log = env, log
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.out = self.log.open("a")
        # Nice=10 in the service file: the worker yields the CPU to gunicorn. `nice` execs the
        # command, so the pid is the worker's own.
        self.process = subprocess.Popen(  # noqa: S603
            [NICE, "-n", str(WORKER_NICE), sys.executable, "manage.py", "db_worker"]
            + ["--queue-name", "default", "--interval", "1", "--no-reload"],
            cwd=ROOT,
            env=self.env,
            stdout=self.out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        # A new session is a scheduling group of its own (autogroup), and the kernel shares the
        # CPU between groups equally whatever the nice of the processes in them: as the service
        # file's CPUWeight does between cgroups, the worker's group is niced too.
        autogroup = Path(f"/proc/{self.process.pid}/autogroup")
        try:
            autogroup.write_text(str(WORKER_NICE))
        except OSError as error:
            say(
                f"Không hạ được mức ưu tiên nhóm của tiến trình nền ({error}): "
                "nó tranh CPU ngang gunicorn."
            )

    def cpu_seconds(self) -> float:
        return _process_cpu(self.process.pid) if self.process is not None else 0.0

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        self.out.close()


class Faults(threading.Thread):
    """At ``kill_at`` s kill one worker (SIGKILL); at ``restart_at`` s restart PostgreSQL."""

    def __init__(self, gunicorn: Gunicorn, journal: Journal, kill_at: float, restart_at: float):
        super().__init__(daemon=True)
        self.gunicorn, self.journal = gunicorn, journal
        self.kill_at, self.restart_at = kill_at, restart_at
        self.started = threading.Event()
        self.notes: list[str] = []
        self.killed_at: float | None = None
        self.restart_began: float | None = None
        self.restart_ended: float | None = None

    def wait_until(self, moment: float) -> None:
        time.sleep(max(0.0, moment - self.journal.now()))

    def run(self) -> None:
        self.started.wait()
        self.wait_until(self.kill_at)
        before = self.gunicorn.workers()
        if before:
            victim = before[0]
            os.kill(victim, signal.SIGKILL)
            self.killed_at = self.journal.now()
            self.notes.append(f"{self.killed_at:5.1f} s  kill -9 worker {victim} (có {before})")
            time.sleep(3)
            after = self.gunicorn.workers()
            new = sorted(set(after) - set(before))
            self.notes.append(
                f"{self.journal.now():5.1f} s  worker sau 3 s: {after}; mới: {new or 'chưa có'}"
            )
        else:
            self.notes.append("không tìm thấy worker nào của gunicorn để dừng")
        self.wait_until(self.restart_at)
        version = sorted(os.listdir("/etc/postgresql"))[-1]
        self.restart_began = self.journal.now()
        result = subprocess.run(  # noqa: S603
            ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "restart"],  # noqa: S607
            capture_output=True,
            text=True,
            check=False,
        )
        self.restart_ended = self.journal.now()
        self.notes.append(
            f"{self.restart_began:5.1f} s  pg_ctlcluster {version} main restart "
            f"(mã {result.returncode}, xong sau {self.restart_ended - self.restart_began:.1f} s)"
            + (f": {result.stderr.strip()}" if result.returncode else "")
        )


def stored_reports(database: str, report_ids: list[int]) -> dict[int, StoredReport]:
    import psycopg

    stored: dict[int, StoredReport] = {}
    with psycopg.connect(f"{PG_BASE}/{database}") as conn:
        rows = conn.execute(
            "SELECT id, status, difficulties FROM reports_report WHERE id = ANY(%s)",
            [report_ids],
        )
        for pk, status, difficulties in rows:
            stored[pk] = StoredReport(pk, status, difficulties)
        rows = conn.execute(
            "SELECT report_id, result FROM reports_reportentry WHERE report_id = ANY(%s)",
            [report_ids],
        )
        for pk, result in rows:
            stored[pk].entry_results.append(result)
        rows = conn.execute(
            "SELECT report_id, action, count(*) FROM reports_reportevent "
            "WHERE report_id = ANY(%s) GROUP BY report_id, action",
            [report_ids],
        )
        for pk, action, count in rows:
            stored[pk].events[action] = count
    return stored


def journal_save(journal: Journal, folder: Path) -> None:
    with (folder / "requests.csv").open("w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["name", "role", "started", "seconds", "status", "error"])
        for r in journal.requests:
            writer.writerow(
                [r.name, r.role, f"{r.started:.3f}", f"{r.seconds:.4f}", r.status, r.error]
            )
    with (folder / "downloads.csv").open("w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["name", "role", "started", "seconds", "requests", "waited", "outcome"])
        for d in journal.downloads:
            writer.writerow(
                [d.name, d.role, f"{d.started:.3f}", f"{d.seconds:.4f}", d.requests]
                + [int(d.waited), d.outcome]
            )
    with (folder / "writes.csv").open("w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["seq", "report_id", "kind", "outcome", "marker", "user"])
        for w in sorted(journal.writes, key=lambda w: w.seq):
            writer.writerow([w.seq, w.report_id, w.kind, w.outcome, w.marker, w.user])


def _kinds(requests) -> str:
    return (
        ", ".join(f"{k} {n}" for k, n in accounting.errors_by_kind(requests).most_common()) or "-"
    )


def report_print(
    journal: Journal, elapsed: float, duration: float, faults: Faults | None
) -> list[str]:
    """Print the figures; returns the problems that make the run fail (besides losses)."""
    problems: list[str] = []
    work = [r for r in journal.requests if r.started >= 0]
    failed = [r for r in work if r.error]
    say("")
    say(
        f"Thời gian chạy: {elapsed:.1f} s; yêu cầu: {len(work)} ({len(work) / elapsed:.1f}/s); "
        f"lỗi: {len(failed)} ({100 * len(failed) / max(1, len(work)):.2f} %)"
    )
    say(
        "(đăng nhập trước khi bấm giờ: "
        f"{sum(1 for r in journal.requests if r.started < 0)} yêu cầu, không tính ở trên)"
    )
    say("")
    say(f"{'yêu cầu':<16}{'số':>7}{'lỗi':>6}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}")
    for name, count, errors, p50, p95, top in accounting.summary_rows(journal.requests):
        say(
            f"{name:<16}{count:>7}{errors:>6}{p50 * 1000:>9.0f}{p95 * 1000:>9.0f}{top * 1000:>9.0f}"
        )
    say("")
    say('Thời gian từ lúc bấm tới khi có tệp (cả trang "Đang chuẩn bị" và các lần nó tự tải lại):')
    for name, clicks, waited, unfinished, failed, times in accounting.download_rows(
        journal.downloads
    ):
        figures = (
            f"p50 {1000 * accounting.percentile(times, 0.50):.0f} ms, "
            f"p95 {1000 * accounting.percentile(times, 0.95):.0f} ms, "
            f"max {1000 * max(times):.0f} ms"
            if times
            else "không lần nào có tệp"
        )
        say(
            f"  {name}: {clicks} lần bấm ({waited} qua trang chờ, {unfinished} còn chờ khi hết "
            f"giờ, {failed} không có tệp); {figures}"
        )
    kinds = accounting.errors_by_kind(journal.requests)
    say("")
    say("Lỗi theo loại: " + (", ".join(f"{k} {n}" for k, n in kinds.most_common()) or "không có"))
    writes = journal.writes
    by = {
        (kind, outcome): sum(1 for w in writes if w.kind == kind and w.outcome == outcome)
        for kind in ("save", "submit", "accept", "return")
        for outcome in ("acked", "refused", "unknown")
    }
    say(
        "Ghi (xác nhận / bị từ chối / không rõ kết quả): "
        + "; ".join(
            f"{kind} {by[kind, 'acked']}/{by[kind, 'refused']}/{by[kind, 'unknown']}"
            for kind in ("save", "submit", "accept", "return")
        )
    )
    if faults is None:
        if failed:
            problems.append(f"{len(failed)} yêu cầu lỗi trong lần chạy không có sự cố")
        return problems
    say("")
    say("Sự cố:")
    for note in faults.notes:
        say("  " + note)
    killed = accounting.killed_answers(journal.requests, killed_at=faults.killed_at)
    unclear = accounting.unclear_answers(journal.requests, killed_at=faults.killed_at)
    outage = [r for r in journal.requests if r.error == accounting.OUTAGE_503]
    say(
        f"  trả lời bằng trang 503 tiếng Việt (gián đoạn, tải lại và kiểm tra): {len(outage)}; "
        f"kết nối bị cắt vì worker đang phục vụ bị dừng: {len(killed)}"
    )
    say(
        "  trả lời không phải trang bình thường hay thông báo tiếng Việt rõ ràng: "
        f"{len(unclear)} ({_kinds(unclear)})"
    )
    if unclear:
        problems.append(f"{len(unclear)} câu trả lời không rõ ràng ({_kinds(unclear)})")
    if faults.killed_at is not None:
        window = accounting.failures_ending_between(
            journal.requests, faults.killed_at, faults.killed_at + 10
        )
        say(f"  lỗi kết thúc trong 10 s sau khi dừng worker: {len(window)} ({_kinds(window)})")
    if faults.restart_ended is not None:
        began, ended = faults.restart_began, faults.restart_ended
        during = accounting.failures_ending_between(journal.requests, began, ended)
        after = accounting.failures_ending_between(journal.requests, ended, float("inf"))
        say(f"  lỗi kết thúc trong lúc PostgreSQL khởi động lại: {len(during)} ({_kinds(during)})")
        say(f"  lỗi kết thúc sau khi PostgreSQL lên lại: {len(after)} ({_kinds(after)})")
        first = accounting.first_success_after(journal.requests, began, ended_after=ended)
        if first is None:
            problems.append("không có yêu cầu nào thành công sau khi PostgreSQL khởi động lại")
        else:
            done = first.started + first.seconds
            say(
                f"  phục hồi: yêu cầu thành công đầu tiên ({first.name}) xong lúc {done:.1f} s, "
                f"{done - began:.1f} s sau khi bắt đầu khởi động lại PostgreSQL, "
                f"{done - ended:.1f} s sau khi PostgreSQL lên lại"
            )
    else:
        problems.append("PostgreSQL chưa được khởi động lại (lần chạy quá ngắn?)")
    missing = accounting.roles_without_success(journal.requests, since=duration - 10, roles=ROLES)
    if missing:
        problems.append("10 s cuối không có yêu cầu thành công cho: " + ", ".join(missing))
    else:
        say("  10 s cuối: cả ba vai trò đều được phục vụ")
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--duration", type=float, default=60.0)
    parser.add_argument("--faults", action="store_true")
    parser.add_argument("--kill-at", type=float, default=20.0)
    parser.add_argument("--pg-restart-at", type=float, default=35.0)
    parser.add_argument("--database", default="coopplan_load")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    # `kill` (SIGTERM) unwinds like Ctrl+C, so that gunicorn is stopped on the way out.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))

    folder = ROOT / "var" / "loadtest" / datetime.now().strftime("%Y%m%d-%H%M%S")  # noqa: DTZ005
    folder.mkdir(parents=True)
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "coopplan.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": f"{PG_BASE}/{args.database}",
        "SECURE_SSL_REDIRECT": "0",
        "SESSION_COOKIE_SECURE": "0",
        "CSRF_COOKIE_SECURE": "0",
        "STATIC_ROOT": str(folder / "static"),
        "MEDIA_ROOT": str(folder / "media"),
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        # Notification mails are written as for real (the worker builds each message) and kept
        # in memory: there is no mail server here, and failing to connect is not the app's work.
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "PYTHONUNBUFFERED": "1",
    }
    setup_log = folder / "setup.log"
    say(f"Thư mục kết quả: {folder.relative_to(ROOT)}")
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    say(f"Máy: {os.cpu_count()} lõi, tải trung bình trước khi chạy {load}")
    say(f"Chuẩn bị cơ sở dữ liệu {args.database} (xóa và tạo lại), migrate, dữ liệu mẫu …")
    database_recreate(args.database)
    django(env, "manage.py", "migrate", "--noinput", log=setup_log)
    # The seed lives in the devdata app, which production settings install only on request;
    # gunicorn itself runs without it, as on a real server.
    django({**env, "COOPPLAN_DEVDATA": "1"}, "manage.py", "load_seed", log=setup_log)
    django(env, "manage.py", "collectstatic", "--noinput", log=setup_log)
    manifest_path = folder / "manifest.json"
    django(
        env, "loadtest/setup_data.py", str(manifest_path), "--users", str(args.users), log=setup_log
    )
    say(setup_log.read_text().strip().splitlines()[-1])
    import json

    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))

    gunicorn = Gunicorn(env, port, folder / "gunicorn.log")
    worker = Worker(env, folder / "worker.log")
    journal = Journal()
    faults = None
    cpu = {"before": _children_cpu()}

    def on_start() -> None:
        cpu["at_start"] = gunicorn.cpu_seconds()
        cpu["worker_at_start"] = worker.cpu_seconds()
        cpu["driver"] = _self_cpu()
        if faults is not None:
            faults.started.set()

    try:
        worker.start()
        gunicorn.start()
        say(
            f"gunicorn: 127.0.0.1:{port}, master {gunicorn.process.pid}, "
            f"workers {gunicorn.workers()}; tiến trình nền db_worker {worker.process.pid}"
        )
        if args.faults:
            faults = Faults(gunicorn, journal, args.kill_at, args.pg_restart_at)
            faults.start()
        say(
            f"{args.users} người dùng ảo, {args.duration:.0f} s"
            + (
                f"; sự cố: dừng worker lúc {args.kill_at:.0f} s, khởi động lại PostgreSQL lúc "
                f"{args.pg_restart_at:.0f} s"
                if faults
                else ""
            )
            + " …"
        )
        elapsed = users_run(
            manifest,
            base_url=f"http://127.0.0.1:{port}",
            users=args.users,
            duration=args.duration,
            journal=journal,
            seed=args.seed,
            on_start=on_start,
        )
    finally:
        cpu["worker"] = worker.cpu_seconds()
        gunicorn.stop()
        worker.stop()
    # The background worker is our child too: its CPU (all of it) is told apart.
    worker_cpu = cpu["worker"] - cpu.get("worker_at_start", 0.0)
    # Workers are reaped by the master and the master by us: their CPU time (the killed worker's
    # included) is in our children's usage once gunicorn has stopped.
    server_cpu = _children_cpu() - cpu["before"] - cpu["at_start"] - cpu["worker"]
    driver_cpu = _self_cpu() - cpu["driver"]
    if faults is not None:
        faults.join(timeout=60)
    journal_save(journal, folder)
    problems = report_print(journal, elapsed, args.duration, faults)
    work = sum(1 for r in journal.requests if r.started >= 0)
    say(
        f"CPU của gunicorn trong lúc đo: {server_cpu:.0f} s "
        f"({100 * server_cpu / elapsed / (os.cpu_count() or 1):.0f} % của {os.cpu_count()} lõi), "
        f"{1000 * server_cpu / max(1, work):.0f} ms mỗi yêu cầu (không kể PostgreSQL); "
        f"CPU của chính trình tạo tải: {driver_cpu:.1f} s"
    )
    say(
        f"CPU của tiến trình nền db_worker trong lúc đo: {worker_cpu:.0f} s (nice {WORKER_NICE}; "
        "văn bản tạo lại sau mỗi lần ghi, văn bản lớn, thư)"
    )

    report_ids = sorted({w.report_id for w in journal.writes})
    losses = accounting.losses_find(journal.writes, stored_reports(args.database, report_ids))
    acked = sum(1 for w in journal.writes if w.outcome == accounting.ACKED)
    say("")
    say(f"Kiểm tra cơ sở dữ liệu: {acked} lần ghi được xác nhận trên {len(report_ids)} báo cáo")
    if losses:
        say(f"mất dữ liệu: {len(losses)}")
        for loss in losses:
            say(f"  {loss}")
    else:
        say("mất dữ liệu: 0")
    for problem in problems:
        say(f"LỖI: {problem}")
    say(f"Chi tiết: {folder.relative_to(ROOT)}/requests.csv, writes.csv, gunicorn.log")
    return 1 if losses or problems else 0


if __name__ == "__main__":
    sys.exit(main())
