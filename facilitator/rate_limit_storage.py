"""In-process rate-limit counters that start no thread per request (used when REDIS_URL is empty).

limits' MemoryStorage sweeps expired counters from a threading.Timer that it starts again
whenever the last one has finished, 10 ms after it began: so in a busy room nearly every counted
request (each participant's submit) starts a thread. bench/submissions.py measured that at about a
quarter of a submit's time on a loaded 2-core box. A counter expires when it is read anyway
(MemoryStorage.get drops an expired key), so the sweep only frees keys that are never read again;
here it runs inside the request instead, at most once a second.
"""

from __future__ import annotations

import threading
import time

from limits.storage import MemoryStorage

SCHEME = "facilitator-memory"
SWEEP_EVERY_SECONDS = 1.0


class SweepingMemoryStorage(MemoryStorage):
    STORAGE_SCHEME = [SCHEME]  # registered with limits by its metaclass: `facilitator-memory://`

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, **options: str):
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)
        self.timer.cancel()  # the one timer MemoryStorage started; none follows it
        self._sweep_lock = threading.Lock()
        self._next_sweep = time.monotonic() + SWEEP_EVERY_SECONDS

    def _MemoryStorage__schedule_expiry(self) -> None:  # replaces MemoryStorage's private scheduler
        now = time.monotonic()
        if now < self._next_sweep or not self._sweep_lock.acquire(blocking=False):
            return
        try:
            self._next_sweep = now + SWEEP_EVERY_SECONDS
            self._MemoryStorage__expire_events()
        finally:
            self._sweep_lock.release()
