"""SideProcess: after its first calls, a large run's calls run in a process of its own,
except where it may not start one."""

import multiprocessing
import os

from newsletter.delivery.side_process import SideProcess


def test_after_its_inline_calls_a_side_runs_the_next_in_a_process_of_its_own():
    side = SideProcess(inline=1)
    try:
        here, there = side.submit(os.getpid), side.submit(os.getpid)
        assert here.result() == os.getpid()
        assert there.result() != os.getpid()
    finally:
        side.close()


def render_in_a_daemon(answers) -> None:
    side = SideProcess(inline=0)
    answers.put(side.submit(os.getpid).result() == os.getpid())
    side.close()


def test_a_daemon_process_like_a_celery_prefork_child_renders_in_its_own_thread():
    context = multiprocessing.get_context("spawn")
    answers = context.Queue()
    daemon = context.Process(target=render_in_a_daemon, args=(answers,), daemon=True)
    daemon.start()
    assert answers.get(timeout=60) is True
    daemon.join(timeout=60)
