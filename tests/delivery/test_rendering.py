"""RenderCache: each digest rendered once per scope, the most recently used kept; a large run
renders in a process of its own, except where it may not start one."""

import multiprocessing
import os
from concurrent.futures import Future

from newsletter.delivery.rendering import RenderCache, Renderer


class RecordingRender:
    """A render function that records the digests it was asked for."""

    def __init__(self):
        self.calls = []

    def __call__(self, digest) -> Future:
        self.calls.append(digest)
        rendering = Future()
        rendering.set_result(f"rendering of {digest}")
        return rendering


def test_a_digest_is_rendered_once_within_a_scope_and_again_in_another():
    render, renderings = RecordingRender(), RenderCache(kept=10)
    first = renderings.scoped(("run 1", 1)).get("robotics", render)
    assert renderings.scoped(("run 1", 1)).get("robotics", render) is first
    assert render.calls == ["robotics"]
    assert renderings.scoped(("run 2", 1)).get("robotics", render) is not first
    assert render.calls == ["robotics", "robotics"] and len(renderings) == 1


def test_the_least_recently_used_rendering_leaves_when_more_than_kept():
    render, renderings = RecordingRender(), RenderCache(kept=2)
    for digest in ["a", "b", "a", "c"]:  # a is used again before c comes, so b leaves
        renderings.get(digest, render)
    assert len(renderings) == 2
    renderings.get("a", render)
    renderings.get("b", render)
    assert render.calls == ["a", "b", "c", "b"]


def test_after_its_inline_calls_a_renderer_runs_the_next_in_a_process_of_its_own():
    renderer = Renderer(inline=1)
    try:
        here, there = renderer.submit(os.getpid), renderer.submit(os.getpid)
        assert here.result() == os.getpid()
        assert there.result() != os.getpid()
    finally:
        renderer.close()


def render_in_a_daemon(answers) -> None:
    renderer = Renderer(inline=0)
    answers.put(renderer.submit(os.getpid).result() == os.getpid())
    renderer.close()


def test_a_daemon_process_like_a_celery_prefork_child_renders_in_its_own_thread():
    context = multiprocessing.get_context("spawn")
    answers = context.Queue()
    daemon = context.Process(target=render_in_a_daemon, args=(answers,), daemon=True)
    daemon.start()
    assert answers.get(timeout=60) is True
    daemon.join(timeout=60)
