"""SideProcess: after its first calls, a large run's calls run in a process of its own,
except where it may not start one."""

import multiprocessing
import os

from newsletter.delivery import side_process
from newsletter.delivery.side_process import SideProcess
from tests.support.waiting import wait_until


def test_after_its_inline_calls_it_starts_a_process_and_calls_run_there_once_it_is_up():
    side = SideProcess(inline=1)
    try:
        assert side.submit(os.getpid).result() == os.getpid()
        side.submit(os.getpid)  # starts the process, and runs here until it is up
        wait_until(lambda: side.started)
        assert side.submit(os.getpid).result() != os.getpid()
    finally:
        side.close()


def run_in_a_daemon(answers) -> None:
    side = SideProcess(inline=0)
    side.start()
    answers.put(not side.started and side.submit(os.getpid).result() == os.getpid())
    side.close()


def test_a_daemon_process_like_a_celery_prefork_child_runs_every_call_in_its_own_thread():
    context = multiprocessing.get_context("spawn")
    answers = context.Queue()
    daemon = context.Process(target=run_in_a_daemon, args=(answers,), daemon=True)
    daemon.start()
    assert answers.get(timeout=60) is True
    daemon.join(timeout=60)


def test_a_process_that_fails_to_start_leaves_every_call_in_the_calling_thread(monkeypatch,
                                                                                caplog):
    def no_processes_here():
        raise OSError("fork: resource temporarily unavailable")

    monkeypatch.setattr(side_process.ProcessPoolExecutor, "submit",
                        lambda *call, **options: no_processes_here())
    side = SideProcess(inline=0)
    side.start()
    wait_until(lambda: not side.starting)
    assert not side.starting and not side.started
    assert side.submit(os.getpid).result() == os.getpid()
    assert "no side process" in caplog.text
    side.close()
