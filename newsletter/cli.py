"""The `newsletter` command (see INTERFACE.md for the promises it keeps)."""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

import click

from newsletter import subscriptions
from newsletter.config import SettingsError, load_settings
from newsletter.db import session_scope, upgrade
from newsletter.sources import SourceSpec, sample_sources
from newsletter.wiring import Services


def _services() -> Services:
    try:
        return Services(load_settings())
    except SettingsError as error:
        raise click.ClickException(f"bad setting: {error}") from None


def _parse_specs(values: tuple[str, ...] | list[str]) -> list[SourceSpec]:
    try:
        return [SourceSpec.parse(value) for value in values]
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--source") from None


@click.group()
def main() -> None:
    """A daily email digest of trending machine-learning papers."""


@main.command()
@click.option("--source", "sources", multiple=True, metavar="KIND=URL",
              help="A source to ingest (repeatable); default: NEWSLETTER_SOURCES.")
@click.option("--date", "date", type=click.DateTime(["%Y-%m-%d"]), default=None,
              help="The edition's date (default: today, UTC).")
def run(sources: tuple[str, ...], date: dt.datetime | None) -> None:
    """The daily job: ingest, summarize and tag, build the edition, send the due digests."""
    services = _services()
    specs = _parse_specs(sources or services.settings.source_specs)
    if not specs:
        raise click.UsageError("no sources: pass --source KIND=URL or set NEWSLETTER_SOURCES")
    upgrade(services.settings.database_url)
    report = _run_day(services, specs, (date.date() if date else dt.date.today()))
    if report.failures:
        sys.exit(1)


def _run_day(services: Services, specs: list[SourceSpec], date: dt.date):
    from newsletter.pipeline import run_daily

    report = run_daily(services.factory, services.settings, specs=specs, date=date,
                       mailer=services.mailer, summarizer=services.summarizer,
                       taxonomy=services.taxonomy)
    click.echo("\n".join(report.lines()))
    return report


@main.command()
@click.option("--dir", "folder", type=click.Path(file_okay=False, path_type=Path),
              default=Path("newsletter-demo"), show_default=True,
              help="Where the demo keeps its database and outbox.")
def demo(folder: Path) -> None:
    """Run the daily job offline on the bundled sample feeds and a few sample subscribers."""
    from newsletter.demo import demo_settings, seed_subscribers
    from newsletter.sources import sample_sources

    settings = demo_settings(folder)
    services = Services(settings)
    upgrade(settings.database_url)
    with session_scope(services.factory) as session:
        seed_subscribers(session, services.taxonomy)
    _run_day(services, sample_sources(), dt.date.today())
    outbox = Path(settings.outbox_dir).resolve()
    count = len(list(outbox.glob("*.eml")))
    click.echo(f"\nThe emails are in {outbox} ({count} .eml files; open one with any mail client).")


@main.command()
@click.argument("email")
@click.option("--topics", default="", help='Comma-separated topic names, e.g. "NLP,Robotics".')
@click.option("--confirmed", is_flag=True, help="Skip the confirmation email (operator import).")
def subscribe(email: str, topics: str, confirmed: bool) -> None:
    """Add a subscriber; without --confirmed, a confirmation email is sent."""
    from newsletter.notices import send_confirmation

    services = _services()
    upgrade(services.settings.database_url)
    with session_scope(services.factory) as session:
        try:
            subscriber = subscriptions.subscribe(session, email, topics.split(","),
                                                 services.taxonomy, confirmed=confirmed)
        except subscriptions.SubscriptionError as error:
            raise click.ClickException(str(error)) from None
        if subscriber.status == subscriptions.PENDING:
            send_confirmation(services.settings, services.mailer, subscriber)
            click.echo(f"{subscriber.email}: pending; a confirmation email was sent.")
        else:
            click.echo(f"{subscriber.email}: {subscriber.status}.")


@main.command()
@click.option("--input", "input_file", type=click.File("r"), default="-")
@click.option("--output", "output_file", type=click.File("w"), default="-")
def summarize(input_file, output_file) -> None:
    """JSON Lines in ({"id", "title", "abstract"}), JSON Lines of summaries out."""
    from newsletter.summarize_cli import summarize_lines

    services = _services()
    upgrade(services.settings.database_url)
    with session_scope(services.factory) as session:
        for line_number, result in summarize_lines(session, input_file, services):
            if "error" in result:
                click.echo(f"line {line_number}: {result['error']}", err=True)
                continue
            output_file.write(json.dumps(result, ensure_ascii=False) + "\n")
            output_file.flush()


@main.group()
def db() -> None:
    """Database schema commands."""


@db.command("upgrade")
def db_upgrade() -> None:
    """Alembic upgrade to head."""
    services = _services()
    upgrade(services.settings.database_url)
    click.echo("The database schema is up to date.")


@main.command()
def topics() -> None:
    """The topic taxonomy."""
    for topic in _services().taxonomy.topics:
        click.echo(f"{topic.name:28} {topic.description}")


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
def serve(host: str, port: int) -> None:
    """The web app (subscribe, confirm, preferences, unsubscribe, archive, webhooks)."""
    import uvicorn

    from newsletter.web import create_app

    services = _services()
    upgrade(services.settings.database_url)
    uvicorn.run(create_app(services), host=host, port=port)


@main.command()
@click.option("--template", "name", default="digest", show_default=True,
              help="One of: digest, confirmation, welcome, preferences_updated, goodbye.")
@click.option("--output-dir", type=click.Path(file_okay=False, path_type=Path),
              default=Path("preview"), show_default=True)
@click.option("--open", "open_browser", is_flag=True, help="Open the HTML in a browser.")
def preview(name: str, output_dir: Path, open_browser: bool) -> None:
    """Render an email with sample content to an HTML and a text file."""
    import webbrowser

    import emails
    from emails.samples import sample_context

    if name not in emails.TEMPLATE_NAMES:
        raise click.BadParameter(f"one of {', '.join(emails.TEMPLATE_NAMES)}",
                                 param_hint="--template")
    context = sample_context(name)
    rendered = emails.fit_digest(context) if name == "digest" else emails.render(name, context)
    output_dir.mkdir(parents=True, exist_ok=True)
    html_path, text_path = output_dir / f"{name}.html", output_dir / f"{name}.txt"
    html_path.write_text(rendered.html, encoding="utf-8")
    text_path.write_text(f"Subject: {rendered.subject}\n\n{rendered.text}", encoding="utf-8")
    click.echo(f"{html_path}\n{text_path}")
    if open_browser:
        webbrowser.open(html_path.resolve().as_uri())
