"""`Kept`: values made once per key and kept per process, the least recently used dropped first.

Every per-process store of the hot pages is one of these (rendered fragments, the lesson pages'
modules, the quiz pages' quizzes, the dashboards' plans). A store is only correct if its key
holds everything its value depends on (a content version, a learner's version, an audit event):
each store's comment says what it holds. Values are shared by every request that finds them:
read them, never change them. Misses are made outside the lock, so two requests may make the
same value once each; the last one made is kept."""

import threading
from collections import OrderedDict


class Kept:
    def __init__(self, size: int):
        self.size = size
        self._values: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key, make):
        """The value kept for `key`, else `make()`'s, kept from now on."""
        with self._lock:
            value = self._values.get(key)
            if value is not None:
                self._values.move_to_end(key)
                return value
        value = make()
        with self._lock:
            self._values[key] = value
            self._values.move_to_end(key)
            while len(self._values) > self.size:
                self._values.popitem(last=False)
        return value

    def clear(self) -> None:
        with self._lock:
            self._values.clear()

    def __len__(self) -> int:
        return len(self._values)
