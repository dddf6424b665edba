"""schemathesis against the app's OpenAPI schema: whatever the input, never a 5xx.

The app serves no schema (no docs), so it is taken from the app object. A hook makes the forms
really run rather than stop at their CSRF check: every POST says it comes from the site, and a
form's `csrf_token` is one the landing page handed out, with its cookie. Link tokens in paths
are valid ones, of a subscriber made for the case (pending for a confirmation link), and a
feedback link names a paper that exists (mostly with a real vote), so the pages behind the
links are fuzzed too. That the forms really run is tested too: for each form, a generated case
is answered by the form itself, not refused by its CSRF check.
"""

import atexit
import itertools
import re
import shutil
import tempfile
from pathlib import Path

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, Phase, find, settings
from schemathesis.checks import not_a_server_error

from newsletter.config import load_settings
from newsletter.db import session_scope, upgrade
from newsletter.models import Paper
from newsletter.personal.feedback import FEEDBACK
from newsletter.services import Services
from newsletter.subscribers import links, notice_queue, subscriptions, tokens
from newsletter.web import create_app

BASE = "https://digest.example.org"
PAPER = "2611.00001"
FORM = "application/x-www-form-urlencoded"
CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')
PURPOSES = {"/confirm/": tokens.CONFIRM, "/unsubscribe/": tokens.UNSUBSCRIBE,
            "/preferences/": tokens.PREFERENCES, "/feedback/": FEEDBACK}


def services_on_a_fresh_database() -> Services:
    # schemathesis loads the schema when the module is collected, before any fixture exists
    folder = Path(tempfile.mkdtemp(prefix="newsletter-fuzz-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    url = f"sqlite:///{folder / 'fuzz.db'}"
    upgrade(url)
    services = Services(load_settings(database_url=url, outbox_dir=str(folder / "outbox"),
                                      secret_key="fuzz-secret", base_url=BASE))
    with session_scope(services.factory) as session:
        session.add(Paper(id=PAPER, title="Sparse attention, again", title_key="sparse"))
    return services


class SendAtOnce:
    """The web app's sender, sending in the request's own after-answer task rather than on a
    thread: no email (whose Message-ID draws on `random`) is made while hypothesis draws."""

    def kick(self) -> None:
        notice_queue.drain(SERVICES.factory, SERVICES.settings, SERVICES.mailer,
                           SERVICES.taxonomy)

    def start(self) -> None:
        self.kick()

    def stop(self) -> None:
        pass


SERVICES = services_on_a_fresh_database()
APP = create_app(SERVICES)
APP.state.notice_sender = SendAtOnce()
schema = schemathesis.openapi.from_dict(APP.openapi())
schema.app = APP
READERS = itertools.count()


def csrf_pair() -> tuple[str, str]:
    """A form token and its cookie, as the landing page hands them to a browser."""
    client = TestClient(APP, base_url="https://testserver")
    token = CSRF_FIELD.search(client.get("/").text).group(1)
    [cookie] = client.cookies.jar
    return token, (cookie.name, cookie.value)


CSRF_TOKEN, CSRF_COOKIE = csrf_pair()


def link_token(purpose: str) -> str:
    """A valid token of `purpose` for a new subscriber (pending, for a confirmation)."""
    with session_scope(SERVICES.factory) as session:
        reader = subscriptions.subscribe(session, f"fuzz{next(READERS)}@example.org", [],
                                         SERVICES.taxonomy, confirmed=purpose != tokens.CONFIRM)
    if purpose == tokens.CONFIRM:
        return links.confirm_url(SERVICES.settings, reader).rsplit("/", 1)[1]
    url = {tokens.PREFERENCES: links.preferences_url, tokens.UNSUBSCRIBE: links.unsubscribe_url,
           FEEDBACK: links.feedback_url}[purpose]
    return url(SERVICES.settings, reader.id, reader.token_secret).rsplit("/", 1)[1]


@schemathesis.hook
def before_call(context, case, kwargs):
    """Valid CSRF tokens and link tokens, so that the operations behind them run."""
    if case.method.upper() == "POST":
        case.headers = {**(case.headers or {}), "Origin": BASE}
        if _is_form(case):
            case.body["csrf_token"] = CSRF_TOKEN
            case.cookies = {**(case.cookies or {}), CSRF_COOKIE[0]: CSRF_COOKIE[1]}
    purpose = next((p for prefix, p in PURPOSES.items() if case.path.startswith(prefix)), None)
    if purpose is not None and "token" in (case.path_parameters or {}):
        case.path_parameters["token"] = link_token(purpose)
    if purpose == FEEDBACK:  # a paper we have, and a vote that is one two times in three
        vote = str(case.path_parameters.get("vote", ""))
        case.path_parameters.update(paper_id=PAPER, vote=["more", "less", vote][len(vote) % 3])


def _is_form(case) -> bool:
    """Whether the case posts one of the app's forms as a browser would (schemathesis also
    sends other bodies and content types, which no CSRF token can make valid)."""
    sent_as = {k.lower(): v for k, v in (case.headers or {}).items()}.get("content-type", FORM)
    return (case.method.upper() == "POST" and isinstance(case.body, dict)
            and case.media_type == FORM and sent_as.startswith(FORM)
            and "csrf_token" in _form_fields(case))


def _form_fields(case) -> set[str]:
    return _form_fields_of(case.operation)


def _form_fields_of(operation) -> set[str]:
    """The fields of an operation's form body (none when it takes no form)."""
    body = operation.definition.raw.get("requestBody", {})
    form = body.get("content", {}).get(FORM, {})
    reference = form.get("schema", {}).get("$ref", "")
    return set(APP.openapi()["components"]["schemas"].get(reference.rsplit("/", 1)[-1], {})
               .get("properties", {}))


@schema.parametrize()
@settings(max_examples=15, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
def test_no_input_makes_the_app_fail(case):
    response = case.call_and_validate(checks=[not_a_server_error])
    if _is_form(case):
        assert response.status_code != 403, "a form refused its valid CSRF token"


FORM_OPERATIONS = [operation.ok() for operation in schema.get_all_operations()
                   if operation.ok().method.upper() == "POST"
                   and "csrf_token" in _form_fields_of(operation.ok())]


@pytest.mark.parametrize("operation", FORM_OPERATIONS, ids=lambda operation: operation.label)
def test_the_fuzzed_posts_of_every_form_get_past_its_csrf_check(operation):
    """Proof that the hook makes the forms run: among the cases schemathesis makes for each
    form, one posted as a browser posts it is answered by the form itself (a 2xx, or a 4xx of
    its own validation), not refused by the CSRF check."""
    answers = []

    def answered_by_the_form(case) -> bool:
        before_call(None, case, {})
        status = case.call().status_code
        answers.append(status)
        return _is_form(case) and status != 403 and status < 500

    find(operation.as_strategy(), answered_by_the_form,
         settings=settings(max_examples=50, database=None, deadline=None,
                           phases=[Phase.generate],  # the first one found; no shrinking
                           suppress_health_check=list(HealthCheck)))
    assert all(status < 500 for status in answers)


def test_the_forms_are_found_in_the_schema():
    assert {operation.label for operation in FORM_OPERATIONS} >= {
        "POST /subscribe", "POST /confirm/{token}", "POST /preferences/{token}",
        "POST /preferences/{token}/delete", "POST /unsubscribe/{token}/resubscribe",
        "POST /feedback/{token}/{paper_id}/{vote}"}
