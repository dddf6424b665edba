"""schemathesis against the app's OpenAPI schema: whatever the input, never a 5xx."""

import atexit
import shutil
import tempfile
from pathlib import Path

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from newsletter.config import load_settings
from newsletter.db import upgrade
from newsletter.web import create_app
from newsletter.wiring import Services


def app_on_a_fresh_database():
    # schemathesis loads the schema when the module is collected, before any fixture exists
    folder = Path(tempfile.mkdtemp(prefix="newsletter-fuzz-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    url = f"sqlite:///{folder / 'fuzz.db'}"
    upgrade(url)
    return create_app(Services(load_settings(database_url=url, outbox_dir=str(folder / "outbox"),
                                             secret_key="fuzz-secret")))


schema = schemathesis.openapi.from_asgi("/openapi.json", app_on_a_fresh_database())


@schema.parametrize()
@settings(max_examples=15, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
def test_no_input_makes_the_app_fail(case):
    case.call_and_validate(checks=[not_a_server_error])
