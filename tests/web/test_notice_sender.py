"""The web process's sender gives way to the requests being answered, and still sends."""

from newsletter.subscribers import notice_queue
from newsletter.web.middleware import InFlight
from newsletter.web.notice_sender import NoticeSender
from tests.support.outbox import read_outbox
from tests.support.site import queue_sign_ups


def test_the_app_counts_the_request_it_is_answering(stored_site):
    site, _ = stored_site
    app = site.client.app
    app.get("/probe")(lambda: {"in flight": app.state.in_flight.count,
                               "busy": app.state.notice_sender.busy()})
    assert site.get("/probe").json() == {"in flight": 1, "busy": True}
    assert app.state.in_flight.count == 0  # that request is answered


def test_the_app_stays_busy_for_a_moment_after_an_answer():
    now = [100.0]
    in_flight = InFlight(clock=lambda: now[0])
    assert not in_flight.busy()
    in_flight.last_answered = now[0]
    assert in_flight.busy()  # the same client may be about to ask again
    now[0] += 2 * InFlight.QUIET_SECONDS
    assert not in_flight.busy()


def test_a_sender_kept_busy_by_requests_still_sends_each_email(stored_site):
    _, services = stored_site
    looks = []
    sender = NoticeSender(services, busy=lambda: looks.append(1) or True)
    queue_sign_ups(services, ["ada@example.org", "bob@example.org"])
    try:
        sender.start()
        assert sender.wait_idle(timeout=60)
    finally:
        sender.stop()
    assert sorted(read_outbox(services.settings.outbox_dir)) == ["ada@example.org",
                                                                  "bob@example.org"]
    assert len(looks) > 2  # it waited on the requests before each email


def test_the_queue_pauses_before_each_row(stored_site):
    _, services = stored_site
    queue_sign_ups(services, ["ada@example.org", "bob@example.org"])
    sent_at_each_pause = []

    def pause():
        sent_at_each_pause.append(len(read_outbox(services.settings.outbox_dir)))

    outcomes = notice_queue.drain(services.factory, services.settings, services.mailer,
                                  services.taxonomy, pause=pause)
    assert outcomes[notice_queue.SENT] == 2
    assert sent_at_each_pause == [0, 1, 2]  # before each row, and before finding none left
