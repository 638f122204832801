"""A Django cache backend that keeps the objects themselves, in this process.

Django's ``LocMemCache`` pickles every value on ``set`` and unpickles it on
``get``: for a thousand-region progress table that is over half a second
each way (benchmarks/progress_cache.py), more than computing it. This one
stores the live object, so a reused table costs a dictionary look-up. The
values must therefore not be changed by whoever gets them; the progress
table's lazily computed cells and its ranking are filled once, identically by
any reader, which is safe.

Bounded like ``LocMemCache`` (``MAX_ENTRIES``, least recently used culled).
"""

from __future__ import annotations

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.locmem import LocMemCache


class LiveObjectCache(LocMemCache):
    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        key = self.make_and_validate_key(key, version=version)
        with self._lock:
            if self._has_expired(key):
                self._set(key, value, timeout)
                return True
            return False

    def get(self, key, default=None, version=None):
        key = self.make_and_validate_key(key, version=version)
        with self._lock:
            if self._has_expired(key):
                self._delete(key)
                return default
            value = self._cache[key]
            self._cache.move_to_end(key, last=False)
        return value

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        key = self.make_and_validate_key(key, version=version)
        with self._lock:
            self._set(key, value, timeout)

    def incr(self, key, delta=1, version=None):
        raise NotImplementedError("LiveObjectCache keeps objects, not counters")
