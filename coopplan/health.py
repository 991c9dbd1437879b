"""``/healthz`` for load balancers and monitoring: is this app server able to reach its database?

Outside login, sessions and CSRF; exempt from the HTTPS redirect (SECURE_REDIRECT_EXEMPT) so that
a load balancer can probe the app server directly over http. Answers 200 or 503, JSON either way,
and says nothing about the data: no counts, no versions.
"""

import logging

from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

logger = logging.getLogger(__name__)


@never_cache
@require_safe
def healthz(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as error:
        logger.error("healthz: database unreachable: %s", error)
        # The class name, not the message: it may name hosts and users.
        return JsonResponse({"status": "error", "database": type(error).__name__}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})
