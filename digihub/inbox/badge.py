"""The to-do badge of the navigation, kept for a short while per person.

Every signed-in page draws the badge; counting means one query per source of the person's role,
which cost about as much CPU as the rest of a small page. The count is kept per person for
``BADGE_SECONDS`` under a *generation*: any saved or deleted row starts a new generation, so a
change made through the models shows on the next page. Changes that bypass the model signals
(bulk ``UPDATE``, ``COPY``) and the passing of time (a question becomes stale after some days)
show within ``BADGE_SECONDS``; with the default per-process memory cache a change made in
another worker process also shows within that time.
"""

from __future__ import annotations

import time
from typing import Any

from django.core.cache import cache
from django.db import transaction

from .selectors import count_for

BADGE_SECONDS = 30
_GENERATION_KEY = "inbox:badge:generation"
# Rows written on nearly every request or login that never change what awaits anyone.
_IGNORED_APPS = frozenset({"sessions", "axes", "admin"})


def _generation() -> int:
    generation = cache.get(_GENERATION_KEY)
    if generation is None:
        # A fresh value, not 0: a cache that lost the key must not bring back counts of an old
        # generation that are still stored.
        cache.add(_GENERATION_KEY, time.time_ns(), None)
        generation = cache.get(_GENERATION_KEY, 0)
    return int(generation)


def badge_count(user: Any) -> int:
    """``count_for(user)``, read from the cache while nothing changed."""
    key = f"inbox:badge:{user.pk}:{user.role}:{_generation()}"
    count = cache.get(key)
    if count is None:
        count = count_for(user)
        cache.set(key, count, BADGE_SECONDS)
    return int(count)


def _new_generation() -> None:
    cache.set(_GENERATION_KEY, time.time_ns(), None)


def forget_badges(sender: Any, **kwargs: Any) -> None:
    """Receiver of post_save, post_delete and m2m_changed for every model."""
    if sender._meta.app_label in _IGNORED_APPS:
        return
    # Now, for the writer's own next read inside its transaction, and again at commit: a page
    # counted by another request between the two saw the old rows and stored them under the
    # generation started now.
    _new_generation()
    connection = transaction.get_connection()
    if connection.in_atomic_block and any(
        entry[1] is _new_generation for entry in connection.run_on_commit
    ):
        return  # one new generation at commit is enough for a transaction that writes many rows
    transaction.on_commit(_new_generation)
