"""One subscriber's personal digest from the day's unsent papers: the one call delivery makes."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from newsletter.personal.interests import Interests, followed_reason, is_muted
from newsletter.personal.model import Ranked, Rating, rerank
from newsletter.personal.view import PaperView


@dataclass(frozen=True)
class Selection:
    """`followed`: papers matching a follow, from any topic, most trending first, at most
    `limit` (the "Followed" section); `ranked`: the rest within the chosen topics, personally
    ranked, at most `limit`, every topic represented (`cap_keeping_topics`); `more`: how many
    more papers of those topics the limit left out (the email says so, with a link)."""

    followed: list[Ranked]
    ranked: list[Ranked]
    more: int = 0


def select_for_reader(candidates: Sequence[PaperView], chosen_topics: Sequence[str],
                    ratings: Sequence[Rating], trending_scores: Mapping[str, float],
                    interests: Interests, limit: int) -> Selection:
    """Muted papers are dropped first (muting wins over following); followed papers go to their
    own section whatever their topic (a broad keyword follow cannot flood the email: the
    section is cut to `limit` too); the others in `chosen_topics` (none chosen = all) are
    re-ranked by `rerank` and cut to `limit` keeping each topic's best paper. Each paper
    appears once."""
    # most readers mute and follow nothing: their candidates are not looked at for it
    shown = ([paper for paper in candidates if not is_muted(paper, interests)]
             if interests.muted_keywords else list(candidates))
    followed = []
    if interests.authors or interests.organizations or interests.keywords:
        for paper in sorted(shown, key=lambda p: (-trending_scores.get(p.id, 0.0), p.id)):
            reason = followed_reason(paper, interests)
            if reason:
                followed.append(Ranked(paper, trending_scores.get(paper.id, 0.0), reason))
    followed = followed[:limit]
    taken = {entry.paper.id for entry in followed}
    chosen = set(chosen_topics)
    in_topics = [p for p in shown
                 if p.id not in taken and (not chosen or chosen.intersection(p.topics))]
    topic_of = {p.id: next((t for t in p.topics if not chosen or t in chosen), None)
                for p in in_topics}
    listed_under = {pid: t for pid, t in topic_of.items() if t}
    ranked = rerank(in_topics, ratings, trending_scores, interests, listed_under)
    kept = cap_keeping_topics(ranked, listed_under, limit)
    return Selection(followed, kept, more=len(ranked) - len(kept))


def cap_keeping_topics(ranked: Sequence[Ranked], topic_of: Mapping[str, str],
                       limit: int) -> list[Ranked]:
    """At most `limit` of `ranked` (best first), in their order: first the best paper of each
    topic (`topic_of`: the topic a paper is listed under), so that a reader of many topics
    sees every one of them, then the best of the rest. Papers without a topic ("Other") have
    no place kept. With more topics than places, the topics whose best paper ranks highest."""
    if len(ranked) <= limit:
        return list(ranked)
    kept, topics = [], set()
    for entry in ranked:
        topic = topic_of.get(entry.paper.id)
        if topic is not None and topic not in topics and len(kept) < limit:
            topics.add(topic)
            kept.append(entry.paper.id)
    chosen = set(kept)
    for entry in ranked:
        if len(chosen) >= limit:
            break
        chosen.add(entry.paper.id)
    return [entry for entry in ranked if entry.paper.id in chosen]
