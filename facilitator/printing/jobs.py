"""A small job runner inside the app's own processes: packs render in the background, parts in parallel.

Why not RQ on Redis: a pack is a few seconds of CPU whose result is a file in the shared PDF cache,
so it needs no queue that outlives the process, no extra daemon for a practice on one laptop, and
no second copy of the app's code and templates in a worker. Each app process keeps
- one background thread for pack jobs (a job builds its parts' HTML with the app's templates), and
- a process pool (forkserver, WeasyPrint preloaded) that renders HTML to PDF on every core.
Two processes, or two servers sharing PDF_CACHE_DIR, agree through a lock file beside the PDF: only
one renders a pack, the others show "preparing" until the file appears.
"""

from __future__ import annotations

import atexit
import contextlib
import multiprocessing
import os
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from pathlib import Path

from flask import Flask, current_app

from . import engine

# A lock older than this belongs to a render that died with its process: take it over.
STALE_LOCK_SECONDS = 180

_lock = threading.Lock()
_pool: ProcessPoolExecutor | None = None
_pool_size = 0
_thread: ThreadPoolExecutor | None = None
_running: dict[str, Future] = {}


def workers(app: Flask | None = None) -> int:
    """Processes that render in parallel: PRINT_WORKERS, where -1 means one per core (none under
    TESTING, so tests render in the request unless they ask for workers) and 0 means render in the
    request, without background jobs, as before."""
    app = app or current_app
    configured = int(app.config.get("PRINT_WORKERS", -1))
    if configured < 0:
        return 0 if app.testing else (os.cpu_count() or 1)
    return configured


def render_many(htmls: Sequence[str], static_folder: str) -> list[bytes]:
    """PDFs of several final HTML strings, one per process when the runner has workers."""
    count = workers()
    if count <= 1 or len(htmls) <= 1:
        return [engine.write_pdf(html, static_folder) for html in htmls]
    pool = _process_pool(count)
    return list(pool.map(engine.write_pdf, htmls, [static_folder] * len(htmls)))


def _process_pool(size: int) -> ProcessPoolExecutor:
    global _pool, _pool_size
    with _lock:
        if _pool is None or _pool_size != size:
            if _pool is not None:
                _pool.shutdown(wait=False)
            # forkserver: children start from a small clean process (no Flask threads, no database
            # connections copied by fork) that has already paid WeasyPrint's import.
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(["weasyprint", "facilitator.printing.engine"])
            _pool, _pool_size = ProcessPoolExecutor(max_workers=size, mp_context=context), size
        return _pool


def _background() -> ThreadPoolExecutor:
    global _thread
    with _lock:
        if _thread is None:
            _thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="print-jobs")
        return _thread


@atexit.register
def shutdown() -> None:
    """Stop the runner (tests, and the end of a worker process)."""
    global _pool, _thread
    with _lock:
        pool, thread, _pool, _thread = _pool, _thread, None, None
    if thread is not None:
        thread.shutdown(wait=True, cancel_futures=True)
    if pool is not None:
        pool.shutdown(wait=True, cancel_futures=True)


# --- background pack jobs ------------------------------------------------------------------------


def start(key: str, render: Callable[[], bytes]) -> Future | None:
    """Render the PDF cached under `key` in the background, unless it is cached or already being
    rendered here or in another process; returns this process's job, if there is one."""
    app = current_app._get_current_object()
    with _lock:
        running = _running.get(key)
        if running is not None:
            return running
        if engine.cached_pdf(key) is not None or not _take_lock(key):
            return None
        future = _background_submit(app, key, render)
        _running[key] = future
        return future


def _background_submit(app: Flask, key: str, render: Callable[[], bytes]) -> Future:
    def job() -> bytes:
        try:
            with app.app_context():
                pdf = render()
                engine.store_pdf(key, pdf)
                return pdf
        except Exception:
            with app.app_context():
                app.logger.exception("Background print job failed")
            raise
        finally:
            _lock_path(app, key).unlink(missing_ok=True)
            with _lock:
                _running.pop(key, None)

    return _background().submit(job)


def in_progress(key: str) -> bool:
    """Whether the PDF under `key` is being rendered, by this process or another sharing the cache."""
    if key in _running:
        return True
    path = _lock_path(current_app, key)
    with contextlib.suppress(OSError):
        return time.time() - path.stat().st_mtime < STALE_LOCK_SECONDS
    return False


def wait(key: str, seconds: float) -> bytes | None:
    """The PDF, if it is ready within `seconds` (a short pack need not show the waiting page)."""
    future = _running.get(key)
    if future is not None:
        with contextlib.suppress(Exception):
            return future.result(timeout=seconds)
        return None
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if (pdf := engine.cached_pdf(key)) is not None:
            return pdf
        time.sleep(0.1)
    return engine.cached_pdf(key)


def _lock_path(app: Flask, key: str) -> Path:
    return Path(app.config["PDF_CACHE_DIR"]) / f"{key}.rendering"


def _take_lock(key: str) -> bool:
    path = _lock_path(current_app, key)
    path.parent.mkdir(parents=True, exist_ok=True)
    for _ in range(2):
        try:
            os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
            return True
        except FileExistsError:
            with contextlib.suppress(OSError):
                if time.time() - path.stat().st_mtime >= STALE_LOCK_SECONDS:
                    path.unlink()  # its renderer died: take it over
                    continue
            return False
    return False


# --- render again when a plan changes ------------------------------------------------------------

# Edits come in bursts (a drag, a few minutes changed): render once the burst has settled.
SETTLE_SECONDS = 2.0
_timers: dict[int, threading.Timer] = {}


def plan_changed(app: Flask, programme_ids: set[int], render_programme: Callable[[int], None]) -> None:
    """Render these programmes' packs in the background once edits settle (nothing when the app
    renders in the request). `render_programme(id)` runs inside an app context."""
    if workers(app) == 0:
        return

    def run(programme_id: int) -> None:
        with _lock:
            _timers.pop(programme_id, None)
        with app.app_context():
            try:
                render_programme(programme_id)
            except Exception:  # a background render must never take the app down with it
                app.logger.exception("Background render of programme %s failed", programme_id)

    with _lock:
        for programme_id in programme_ids:
            if (timer := _timers.pop(programme_id, None)) is not None:
                timer.cancel()
            timer = threading.Timer(SETTLE_SECONDS, run, args=(programme_id,))
            timer.daemon = True
            _timers[programme_id] = timer
            timer.start()
