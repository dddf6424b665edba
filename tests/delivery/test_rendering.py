"""RenderCache: each digest rendered once per scope, the most recently used kept, packed;
RenderAhead: digests rendered before their batches leave, a few at a time."""

from concurrent.futures import Future

from newsletter.delivery.rendering import RenderAhead, RenderCache, packed, unpacked


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


class SlowRender(RecordingRender):
    """A render function whose renderings stay under way until `finish` is called."""

    def __call__(self, digest) -> Future:
        self.calls.append(digest)
        self.pending = getattr(self, "pending", []) + [Future()]
        return self.pending[-1]

    def finish(self) -> None:
        for rendering in self.pending:
            if not rendering.done():
                rendering.set_result("rendered")


def test_digests_are_rendered_ahead_in_the_order_noticed_a_few_at_a_time_and_once():
    render = SlowRender()
    ahead = RenderAhead(RenderCache(kept=10), render, under_way=2)
    for digest in ["a", "b", "a", "c", "d"]:
        ahead.notice(digest)
    ahead.ask_ahead()
    assert render.calls == ["a", "b"]  # two under way
    render.finish()
    ahead.notice("b")
    ahead.ask_ahead()
    assert render.calls == ["a", "b", "c", "d"]
    assert ahead.get("c") is render.pending[2]  # the rendering asked ahead, not a new one
    assert ahead.get("e") is render.pending[4] and render.calls[-1] == "e"


def test_no_more_digests_are_rendered_ahead_than_half_the_cache_keeps_until_used():
    render = RecordingRender()
    ahead = RenderAhead(RenderCache(kept=4), render)
    for digest in "abcdef":
        ahead.notice(digest)
    ahead.ask_ahead()
    assert render.calls == ["a", "b"]
    ahead.get("a")  # its batch leaves: room for one more
    assert render.calls == ["a", "b", "c"]


def test_a_packed_rendering_unpacks_to_what_was_rendered():
    rendering = packed(str.upper, "<p>digest</p>" * 1000)
    assert unpacked(rendering) == "<P>DIGEST</P>" * 1000 and len(rendering) < 1000


def test_none_is_asked_ahead_while_told_to_wait_but_a_leaving_batch_gets_its_rendering():
    render, starting = RecordingRender(), [True]
    ahead = RenderAhead(RenderCache(kept=10), render, waiting=lambda: starting[0])
    for digest in "abc":
        ahead.notice(digest)
    ahead.ask_ahead()
    assert render.calls == []
    ahead.get("b")
    assert render.calls == ["b"]
    starting[0] = False
    ahead.ask_ahead()
    assert render.calls == ["b", "a", "c"]
