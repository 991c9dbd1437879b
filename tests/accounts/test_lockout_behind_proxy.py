"""Login throttling behind nginx: the lock falls on the guesser's address, not on the proxy's.

Requests are sent as deploy/nginx.conf.example forwards them: gunicorn sees nginx (127.0.0.1) as
REMOTE_ADDR, and nginx's ``X-Forwarded-For $proxy_add_x_forwarded_for`` is whatever the client
sent in that header followed by the address nginx saw the client connect from.
"""

import pytest
from django.conf import settings
from django.test import Client

from accounts.models import Role
from tests.factories import make_user

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
NGINX = "127.0.0.1"
ATTACKER = "203.0.113.7"
VICTIM = "198.51.100.20"


def through_nginx(client_address: str, sent_header: str | None = None) -> dict[str, str]:
    """The WSGI environ nginx produces for a client at ``client_address``."""
    forwarded = f"{sent_header}, {client_address}" if sent_header else client_address
    return {
        "REMOTE_ADDR": NGINX,
        "HTTP_X_FORWARDED_FOR": forwarded,
        "HTTP_X_FORWARDED_PROTO": "https",
    }


def login(environ: dict[str, str], username: str, password: str):
    return Client().post(LOGIN, {"username": username, "password": password}, **environ)


@pytest.fixture
def leader(quang_tri):
    return make_user("lanhdao", Role.LEADER, quang_tri, None)


def guess_until_locked(environ: dict[str, str], username: str) -> None:
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = login(environ, username, "sai-mat-khau")
        assert response.status_code == 200
        assert "không đúng" in response.content.decode()
    assert login(environ, username, "sai-mat-khau").status_code == 429


def test_guessing_a_leaders_password_locks_the_guesser_not_the_leader(leader):
    guess_until_locked(through_nginx(ATTACKER), "lanhdao")

    # The guesser stays locked out, even with the right password.
    locked = login(through_nginx(ATTACKER), "lanhdao", "pw-for-tests-1")
    assert locked.status_code == 429
    assert "Tạm khóa" in locked.content.decode()
    # The leader, from their own address through the same proxy, still gets in.
    assert login(through_nginx(VICTIM), "lanhdao", "pw-for-tests-1").status_code == 302


def test_a_forged_forwarded_header_cannot_choose_whom_to_lock_out(leader):
    # The guesser claims the leader's address; nginx appends the real one after it.
    guess_until_locked(through_nginx(ATTACKER, sent_header=VICTIM), "lanhdao")

    assert login(through_nginx(VICTIM), "lanhdao", "pw-for-tests-1").status_code == 302
    assert login(through_nginx(ATTACKER), "lanhdao", "pw-for-tests-1").status_code == 429


def test_an_untrusted_peer_cannot_escape_the_lock_by_changing_the_header(leader):
    # An app server reachable without nginx (GUNICORN_BIND=0.0.0.0): its header is not believed,
    # so a fresh made-up address on every try does not reset the count.
    direct = "10.9.8.7"
    assert direct not in settings.TRUSTED_PROXIES
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        environ = {"REMOTE_ADDR": direct, "HTTP_X_FORWARDED_FOR": f"192.0.2.{attempt + 1}"}
        response = login(environ, "lanhdao", "sai-mat-khau")
    assert response.status_code == 429
    assert login({"REMOTE_ADDR": direct}, "lanhdao", "pw-for-tests-1").status_code == 429
    assert login(through_nginx(VICTIM), "lanhdao", "pw-for-tests-1").status_code == 302


def test_a_chain_of_trusted_proxies_is_walked_back_to_the_client(settings, leader):
    # nginx on 10.0.0.2 in front of app servers on 10.0.0.0/24, behind a load balancer 10.0.1.1.
    settings.TRUSTED_PROXIES = ["10.0.0.0/24", "10.0.1.1"]
    chain = {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": f"{VICTIM}, {ATTACKER}, 10.0.1.1"}
    guess_until_locked(chain, "lanhdao")

    victim = {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": f"{VICTIM}, 10.0.1.1"}
    assert login(victim, "lanhdao", "pw-for-tests-1").status_code == 302


def test_a_wrong_trusted_proxies_setting_stops_the_server_with_a_message(monkeypatch):
    import importlib

    from django.core.exceptions import ImproperlyConfigured

    import coopplan.settings.base as base

    monkeypatch.setenv("TRUSTED_PROXIES", "127.0.0.1,nginx.internal")
    with pytest.raises(ImproperlyConfigured, match="TRUSTED_PROXIES: “nginx.internal”"):
        importlib.reload(base)
    monkeypatch.delenv("TRUSTED_PROXIES")
    importlib.reload(base)


def test_the_documented_nginx_sends_the_header_these_tests_imitate():
    from pathlib import Path

    conf = (Path(settings.BASE_DIR) / "deploy" / "nginx.conf.example").read_text()
    assert "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;" in conf
    assert "server 127.0.0.1:8000;" in conf and NGINX in settings.TRUSTED_PROXIES
