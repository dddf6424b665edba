"""The `newsletter` command (see INTERFACE.md for the promises it keeps)."""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

import click

from newsletter.config import SettingsError, load_settings
from newsletter.db import location, missing_schema, session_scope, upgrade
from newsletter.services import Services
from newsletter.sources import SourceSpec, sample_sources
from newsletter.subscribers import subscriptions

# The status of a `newsletter run` that did not start because another is in progress: EX_TEMPFAIL
# of sysexits.h, "try again later" (a cron wrapper can tell it from a failure, 1).
RUN_IN_PROGRESS = 75


def _services() -> Services:
    """The services of a command that needs no database (or opens it through the two below)."""
    try:
        return Services(load_settings())
    except SettingsError as error:
        raise click.ClickException(f"bad setting: {error}") from None


def _say_where_the_database_is(services: Services) -> None:
    """One line on stderr, so that a database made or read in an unexpected place shows."""
    click.echo(f"Database: {location(services.settings.database_url)}", err=True)


def _migrated_services(services: Services | None = None) -> Services:
    """The services (default: from the settings), the database first brought to the newest
    schema, created if need be: the prologue of a command that writes."""
    services = services or _services()
    _say_where_the_database_is(services)
    upgrade(services.settings.database_url)
    return services


def _existing_database_services() -> Services:
    """The services, on a database that exists at the newest schema: the prologue of a
    read-only command (sources, runs, stats), which must never create a database where it
    happens to run. Without one it says where it looked and how to make one, and exits 1."""
    services = _services()
    _say_where_the_database_is(services)
    if problem := missing_schema(services.settings.database_url):
        raise click.ClickException(
            f"{problem}. Create it with `newsletter db upgrade` (a first `newsletter run` does "
            "too), or point NEWSLETTER_DATABASE_URL at the database you use.")
    return services


def _parse_specs(values: tuple[str, ...] | list[str]) -> list[SourceSpec]:
    try:
        return [SourceSpec.parse(value) for value in values]
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--source") from None


class _Commands(click.Group):
    """The command group: a database or Redis that cannot be reached is said in one line that
    names its setting (newsletter.cli_errors), like a malformed setting, not as a traceback."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except Exception as error:
            from newsletter.cli_errors import explain

            if (problem := explain(error)) is None:
                raise
            raise click.ClickException(problem) from None


@click.group(cls=_Commands)
def main() -> None:
    """A daily email digest of trending machine-learning papers."""


@main.command()
@click.option("--source", "sources", multiple=True, metavar="KIND=URL",
              help="A source to ingest (repeatable); default: NEWSLETTER_SOURCES.")
@click.option("--date", "date", type=click.DateTime(["%Y-%m-%d"]), default=None,
              help="The edition's date (default: today, UTC).")
@click.option("--all-due", is_flag=True,
              help="Send every digest of the day now, whatever each subscriber's hour.")
def run(sources: tuple[str, ...], date: dt.datetime | None, all_due: bool) -> None:
    """The daily job: ingest, summarize and tag, build the edition, send the digests due now
    (run it hourly: each subscriber gets theirs at their hour, in their time zone).

    Exit status: 0 done; 1 a source failed (the rest of the day went on); 75 another run of
    this database is in progress, so this one did nothing (it says so in one line)."""
    services = _services()
    specs = _parse_specs(sources) if sources else services.settings.sources_list
    if not specs:
        raise click.UsageError("no sources: pass --source KIND=URL or set NEWSLETTER_SOURCES")
    _migrated_services(services)
    now = None if all_due else dt.datetime.now(dt.UTC).replace(tzinfo=None)
    day = date.date() if date else dt.date.today()
    if services.settings.redis_url:  # Celery workers do the work; follow it here
        _run_on_workers(services, specs, day, now)
        return
    report = _run_day(services, specs, day, now)
    if report.failures:
        sys.exit(1)


def _run_on_workers(services: Services, specs: list[SourceSpec], date: dt.date,
                    now: dt.datetime | None) -> None:
    from newsletter.runs import records
    from newsletter.runs.report import RunReport, describe

    run_id = records.start_pipeline(services.factory, services.settings, specs, date, now)
    click.echo(f"Run #{run_id} enqueued for the workers; following it (Ctrl-C stops following, "
               "not the run).")
    run = records.follow(services.factory, run_id, click.echo)
    click.echo(describe(run))
    report = RunReport.from_dict(run.report)
    click.echo("\n".join(report.lines()))
    if run.state != records.FINISHED or report.failures:
        sys.exit(1)


def _run_day(services: Services, specs: list[SourceSpec], date: dt.date,
             now: dt.datetime | None = None):
    """The day in this process, holding the database's run lock (leases.RUN) throughout, so a
    second run started meanwhile says so and exits RUN_IN_PROGRESS."""
    import os
    import socket

    from newsletter import leases
    from newsletter.day import Day, run_daily

    note = f"newsletter run, pid {os.getpid()} on {socket.gethostname()}"
    try:
        with leases.Heartbeat(services.engine, services.settings.lease_seconds,
                              names=[leases.RUN], note=note) as holder:
            report = run_daily(services, specs, Day(date, now), holder=holder.owner)
    except leases.LeaseHeld as held:
        click.echo(f"A run is in progress ({held}); this one exits without doing anything.",
                   err=True)
        sys.exit(RUN_IN_PROGRESS)
    click.echo("\n".join(report.lines()))
    return report


@main.command()
@click.option("--dir", "folder", type=click.Path(file_okay=False, path_type=Path),
              default=Path("newsletter-demo"), show_default=True,
              help="Where the demo keeps its database and outbox.")
@click.option("--serve", "then_serve", is_flag=True,
              help="Then serve the demo's pages on the port its emails' links use.")
def demo(folder: Path, then_serve: bool) -> None:
    """Run the daily job offline on the bundled sample feeds and a few sample subscribers, then
    say how to serve the pages its emails link to (or serve them, with --serve)."""
    from newsletter.demo import demo_settings, seed_subscribers, serve_command, served_port

    settings = demo_settings(folder)
    services = _migrated_services(Services(settings))
    with session_scope(services.factory) as session:
        seed_subscribers(session, services.taxonomy)
    _run_day(services, sample_sources(), dt.date.today())
    outbox = Path(settings.outbox_dir).resolve()
    count = len(list(outbox.glob("*.eml")))
    click.echo(f"\nThe emails are in {outbox} ({count} .eml files; open one with any mail client).")
    if then_serve:
        from newsletter.web import create_app
        from newsletter.web.server import serve_app

        click.echo(f"Serving the demo's pages on {settings.base_url} (Ctrl-C stops).")
        serve_app(create_app(services), "127.0.0.1", served_port(settings))
        return
    click.echo(f"Their links lead to {settings.base_url}; serve the demo's database there with:"
               f"\n  {serve_command(settings, _program())}")


def _program() -> str:
    """The command as the user typed it (`.venv/bin/newsletter`), so what we print runs as is."""
    typed = sys.argv[0] if sys.argv and sys.argv[0] else "newsletter"
    return typed if "/" in typed and Path(typed).name == "newsletter" else "newsletter"


@main.command()
@click.argument("email")
@click.option("--topics", default="", help='Comma-separated topic names, e.g. "NLP,Robotics".')
@click.option("--confirmed", is_flag=True, help="Skip the confirmation email (operator import).")
def subscribe(email: str, topics: str, confirmed: bool) -> None:
    """Add a subscriber; without --confirmed, a confirmation email is sent."""
    services = _migrated_services()
    with session_scope(services.factory) as session:
        try:
            subscriber = subscriptions.subscribe(session, email, topics.split(","),
                                                 services.taxonomy, confirmed=confirmed)
        except subscriptions.SubscriptionError as error:
            raise click.ClickException(str(error)) from None
        _queue_confirmations(session, [subscriber])
    _send_queued(services)
    if subscriber.status == subscriptions.PENDING:
        click.echo(f"{subscriber.email}: pending; a confirmation email was sent.")
    else:
        click.echo(f"{subscriber.email}: {subscriber.status}.")


def _queue_confirmations(session, subscribers) -> None:
    from newsletter.subscribers.notice_queue import queue_notice
    from newsletter.subscribers.signup import CONFIRMATION

    for subscriber in subscribers:
        if subscriber.status == subscriptions.PENDING:
            queue_notice(session, CONFIRMATION, subscriber.id)


def _send_queued(services: Services) -> None:
    """Send the emails queued so far (this command's, and any a web process left)."""
    from newsletter.subscribers.notice_queue import drain

    drain(services.factory, services.settings, services.mailer, services.taxonomy)


@main.command()
@click.option("--input", "input_file", type=click.File("r"), default="-")
@click.option("--output", "output_file", type=click.File("w"), default="-")
def summarize(input_file, output_file) -> None:
    """JSON Lines in ({"id", "title", "abstract"}), JSON Lines of summaries out. A line that
    cannot be read (not JSON, no "id" or "title") is reported on stderr by number and skipped;
    the command then exits with status 1, after writing every other line's summary."""
    from newsletter.summarize.jsonl import summarize_lines

    services = _migrated_services()
    failed = 0
    with session_scope(services.factory) as session:
        for line_number, result in summarize_lines(session, input_file, services):
            if "error" in result:
                click.echo(f"line {line_number}: {result['error']}", err=True)
                failed += 1
                continue
            output_file.write(json.dumps(result, ensure_ascii=False) + "\n")
            output_file.flush()
    if failed:
        click.echo(f"{failed} lines failed", err=True)
        sys.exit(1)


@main.group()
def db() -> None:
    """Database schema commands."""


@db.command("upgrade")
def db_upgrade() -> None:
    """Alembic upgrade to head."""
    _migrated_services()
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
    from newsletter.web import create_app
    from newsletter.web.server import serve_app

    services = _migrated_services()
    serve_app(create_app(services), host, port)


@main.command()
@click.option("--template", "name", default="digest", show_default=True,
              help="One of: digest, confirmation, welcome, preferences_updated, goodbye.")
@click.option("--output-dir", type=click.Path(file_okay=False, path_type=Path),
              default=Path("preview"), show_default=True)
@click.option("--open", "open_browser", is_flag=True, help="Open the HTML in a browser.")
def preview(name: str, output_dir: Path, open_browser: bool) -> None:
    """Render an email with sample content to an HTML and a text file, with the configured
    site name, postal address and base URL (NEWSLETTER_SITE_NAME, _POSTAL_ADDRESS, _BASE_URL)."""
    import webbrowser

    import emails
    from emails.samples import sample_context

    if name not in emails.TEMPLATE_NAMES:
        raise click.BadParameter(f"one of {', '.join(emails.TEMPLATE_NAMES)}",
                                 param_hint="--template")
    settings = _services().settings
    context = sample_context(name, settings.base_url, site_name=settings.site_name,
                             postal_address=settings.postal_address)
    rendered = emails.fit_digest(context) if name == "digest" else emails.render(name, context)
    output_dir.mkdir(parents=True, exist_ok=True)
    html_path, text_path = output_dir / f"{name}.html", output_dir / f"{name}.txt"
    html_path.write_text(rendered.html, encoding="utf-8")
    text_path.write_text(f"Subject: {rendered.subject}\n\n{rendered.text}", encoding="utf-8")
    click.echo(f"{html_path}\n{text_path}")
    if open_browser:
        webbrowser.open(html_path.resolve().as_uri())


@main.command("import-subscribers")
@click.argument("csv_file", type=click.File("r", encoding="utf-8-sig"))
@click.option("--confirmed", is_flag=True,
              help="The addresses already consented: no confirmation emails.")
def import_subscribers(csv_file, confirmed: bool) -> None:
    """Import subscribers from a CSV (email, topics separated by ";", language, timezone).
    Invalid rows are reported by line number and skipped; suppressed addresses never re-added."""
    from newsletter.subscribers.csv_import import import_rows, read_rows

    services = _migrated_services()
    with session_scope(services.factory) as session:
        try:
            report = import_rows(session, read_rows(csv_file), services.taxonomy,
                                 confirmed=confirmed)
        except ValueError as error:
            raise click.ClickException(str(error)) from None
        _queue_confirmations(session, report.imported)
    _send_queued(services)
    click.echo("\n".join(report.lines()))


@main.command("purge-unconfirmed")
def purge_unconfirmed() -> None:
    """Delete sign-ups left unconfirmed for 7 days (the daily run does it too)."""
    from newsletter.subscribers.signup import purge_unconfirmed as purge

    services = _migrated_services()
    with session_scope(services.factory) as session:
        count = purge(session)
    click.echo(f"{count} unconfirmed sign-ups purged.")


@main.command("sources")
def list_sources() -> None:
    """Each source (the configured ones, then the others the database knows): its last success,
    last error and the counts of its last run."""
    from newsletter.ingest.source import source_health

    services = _existing_database_services()
    with session_scope(services.factory) as session:
        health = source_health(session, services.settings.sources_list)
        for source in health:
            click.echo("\n".join(source.lines()))
    if not health:
        click.echo("No sources yet: set NEWSLETTER_SOURCES, or pass --source to `newsletter run`.")


@main.command()
@click.option("--from", "first", type=click.DateTime(["%Y-%m-%d"]), required=True,
              help="The first submission day (YYYY-MM-DD, GMT).")
@click.option("--to", "last", type=click.DateTime(["%Y-%m-%d"]), required=True,
              help="The last submission day, included.")
@click.option("--category", "categories", multiple=True, required=True, metavar="CAT",
              help='An arXiv category, e.g. cs.LG (repeatable; "cs.LG+cs.AI" works too).')
@click.option("--api-url", default="https://export.arxiv.org/api/query", show_default=True,
              help="The arXiv export API (or a mirror of it).")
def backfill(first: dt.datetime, last: dt.datetime, categories: tuple[str, ...],
             api_url: str) -> None:
    """Store the arXiv papers submitted in a date range, through the export API (one request
    every 3 s). They fill the archive; today's edition does not announce them as news."""
    import re

    from newsletter.ingest.arxiv_export import backfill as backfill_range
    from newsletter.ingest.source import describe

    if last < first:
        raise click.BadParameter("is before --from", param_hint="--to")
    names = [name for value in categories for name in re.split(r"[+,\s]+", value) if name]
    services = _migrated_services()
    with session_scope(services.factory) as session:
        report = backfill_range(session, names, first.date(), last.date(), base_url=api_url)
    click.echo(f"backfill {' '.join(names)} {first:%Y-%m-%d}..{last:%Y-%m-%d}: "
               f"{describe(report)}")
    if report.error:
        sys.exit(1)


@main.command("runs")
@click.option("--limit", default=20, show_default=True, type=int, help="How many, newest first.")
def list_runs(limit: int) -> None:
    """The latest runs of the daily job (in-process or by workers) and what each did."""
    from newsletter.runs import records
    from newsletter.runs.report import describe

    services = _existing_database_services()
    with session_scope(services.factory) as session:
        lines = [describe(run) for run in records.recent(session, limit)]
    click.echo("\n".join(lines) if lines else "No runs yet.")


@main.command()
@click.option("--days", default=30, show_default=True, type=click.IntRange(1, 366),
              help="How many days of figures, up to today (UTC).")
def stats(days: int) -> None:
    """The operator's figures of /admin: subscribers over time, recent runs, deliverability,
    sources' health and today's LLM budget."""
    from newsletter.stats.figures import collect
    from newsletter.stats.text import lines

    services = _existing_database_services()
    with session_scope(services.factory) as session:
        figures = collect(session, services.settings, services.settings.sources_list, days)
        click.echo("\n".join(lines(figures)))
