"""`newsletter import-subscribers`: valid rows kept, invalid ones reported by line, suppressed and
unsubscribed addresses never re-added."""

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from newsletter.cli import main
from newsletter.models import Subscriber
from newsletter.subscribers import subscriptions

pytestmark = pytest.mark.own_database  # the command opens the database itself

CSV = """email,topics,language,timezone
ada@example.org,NLP;Robotics,fr,Europe/Paris
not-an-address,NLP,,
bob@example.org,Astrology,,
gone@example.org,,,
left@example.org,,,
carol@example.org,,,Mars/Base
dan@example.org,,,
"""


def run_import(tmp_path, settings, *args):
    csv_file = tmp_path / "subscribers.csv"
    csv_file.write_text(CSV, encoding="utf-8")
    env = {"NEWSLETTER_DATABASE_URL": settings.database_url,
           "NEWSLETTER_OUTBOX_DIR": settings.outbox_dir}
    return CliRunner().invoke(main, ["import-subscribers", str(csv_file), *args], env=env)


def prepare(services):
    with services.factory() as session:
        subscriptions.suppress(session, "gone@example.org", "complaint")
        left = subscriptions.subscribe(session, "left@example.org", [], services.taxonomy,
                                       confirmed=True)
        subscriptions.unsubscribe(left)
        session.commit()


def statuses(services) -> dict[str, str]:
    with services.factory() as session:
        return dict(session.execute(select(Subscriber.email, Subscriber.status)).all())


def test_valid_rows_are_imported_and_invalid_ones_reported_by_line(tmp_path, settings, services):
    prepare(services)
    result = run_import(tmp_path, settings, "--confirmed")
    assert result.exit_code == 0, result.output
    for line in (3, 4, 5, 6, 7):
        assert f"line {line}: skipped" in result.output
    assert statuses(services) == {"ada@example.org": "confirmed", "dan@example.org": "confirmed",
                                  "left@example.org": "unsubscribed"}
    with services.factory() as session:
        ada = session.scalar(select(Subscriber).where(Subscriber.email == "ada@example.org"))
        assert (ada.topics, ada.language, ada.timezone) == (["NLP", "Robotics"], "fr",
                                                            "Europe/Paris")


def test_without_confirmed_each_new_address_gets_a_confirmation(tmp_path, settings, services):
    result = run_import(tmp_path, settings)
    assert result.exit_code == 0, result.output
    assert statuses(services)["ada@example.org"] == "pending"
    assert len(list((tmp_path / "outbox").glob("*.eml"))) == 4  # ada, gone, left, dan


def test_a_file_without_an_email_column_is_refused(tmp_path, settings):
    csv_file = tmp_path / "bad.csv"
    csv_file.write_text("address\nada@example.org\n")
    result = CliRunner().invoke(main, ["import-subscribers", str(csv_file)],
                                env={"NEWSLETTER_DATABASE_URL": settings.database_url})
    assert result.exit_code != 0 and "no email column" in result.output
