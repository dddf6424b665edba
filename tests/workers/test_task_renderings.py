"""A worker process renders each digest once for all the delivery tasks of one run."""

from newsletter.delivery import send
from newsletter.delivery.rendering import RenderCache
from newsletter.models import Delivery
from workers import tasks


def test_tasks_of_one_run_share_renderings_and_another_run_renders_again(
        cast, session, services, monkeypatch):
    cast.paper(1, topics=["NLP"], upvotes=10)
    edition = cast.edition()
    readers = cast.readers(3, ["NLP"])
    monkeypatch.setattr(tasks, "_services", services)  # the worker's Services, on this database
    monkeypatch.setattr(tasks, "_renderings", RenderCache())  # a fresh process's
    renders = []
    real = send.EditionSender._render
    monkeypatch.setattr(send.EditionSender, "_render",
                        lambda sender, digest: renders.append(digest) or real(sender, digest))

    def deliver(reader, run_id):
        tasks.deliver_batch.apply(args=(edition.id, reader.id, reader.id, None, run_id)).get()

    deliver(readers[0], run_id=1)
    deliver(readers[1], run_id=1)
    assert len(renders) == 1
    deliver(readers[2], run_id=2)
    assert len(renders) == 2
    assert session.query(Delivery).filter_by(status="sent").count() == 3
