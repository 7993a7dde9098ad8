"""A small job runner inside the app's own processes: packs render in the background, parts in parallel.

Why not RQ on Redis: a pack is a few seconds of CPU whose result is a file in the shared PDF cache,
so it needs no queue that outlives the process, no extra daemon for a practice on one laptop, and
no second copy of the app's code and templates in a worker. Each app process keeps
- one background thread for pack jobs (a job builds its parts' HTML with the app's templates), and
- a process pool (forkserver, WeasyPrint preloaded) that renders HTML to PDF on every core.
Both are made on first use, so under gunicorn each worker makes its own after the fork (and a
child of a fork forgets its parent's: see _forget_after_fork). Two processes, or two servers sharing
PDF_CACHE_DIR, agree through a lock file beside the PDF: only one renders a pack, the others show
"preparing" until the file appears. Every wait here has a deadline, so no request, test or
shutdown can hang on a render.
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
from concurrent.futures import TimeoutError as FuturesTimeout
from concurrent.futures import wait as wait_for_futures
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from flask import Flask, current_app

from . import engine

# A lock older than this belongs to a render that died with its process: take it over.
STALE_LOCK_SECONDS = 180
# No part renders for longer than this (a six-week pack's longest week takes about 2 s).
PART_TIMEOUT_SECONDS = 120
# shutdown() gives a running render this long, then stops the pool's processes.
SHUTDOWN_SECONDS = 10

# Guards the module state below. Never held while calling anything that may take it again
# (holding it into _background() once deadlocked the first background render).
_lock = threading.Lock()
_pool: ProcessPoolExecutor | None = None
_pool_size = 0
_thread: ThreadPoolExecutor | None = None
_running: dict[str, Future] = {}
_lock_files: dict[str, Path] = {}


def workers(app: Flask | None = None) -> int:
    """Processes that render in parallel: PRINT_WORKERS, where -1 (the default) means one per core
    (none under TESTING, so tests render in the request unless they ask for workers) and 0 means
    render in the request, without background jobs."""
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
    try:
        return list(pool.map(engine.write_pdf, htmls, [static_folder] * len(htmls), timeout=PART_TIMEOUT_SECONDS))
    except BrokenProcessPool:
        # A render process died (killed for memory, say): forget the pool and render here instead.
        _discard_pool(pool)
        current_app.logger.warning("Print worker processes stopped; rendering in this process")
        return [engine.write_pdf(html, static_folder) for html in htmls]


def _process_pool(size: int) -> ProcessPoolExecutor:
    global _pool, _pool_size
    with _lock:
        old = None
        if _pool is None or _pool_size != size:
            old = _pool
            # forkserver: children start from a small clean process (no Flask threads, no database
            # connections or locks copied by fork from a threaded parent) that has already paid
            # WeasyPrint's import.
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(["weasyprint", "facilitator.printing.engine"])
            _pool, _pool_size = ProcessPoolExecutor(max_workers=size, mp_context=context), size
        pool = _pool
    if old is not None:
        old.shutdown(wait=False, cancel_futures=True)
    return pool


def _discard_pool(pool: ProcessPoolExecutor) -> None:
    global _pool
    with _lock:
        if _pool is pool:
            _pool = None
    pool.shutdown(wait=False, cancel_futures=True)


@atexit.register
def shutdown(seconds: float = SHUTDOWN_SECONDS) -> None:
    """Stop the runner (tests, and the end of a worker process), waiting at most about `seconds`:
    pending timers and jobs are cancelled, a running render gets until the deadline, then the
    pool's processes are stopped."""
    global _pool, _thread
    deadline = time.monotonic() + seconds
    with _lock:
        pool, thread, _pool, _thread = _pool, _thread, None, None
        timers = list(_timers.values())
        _timers.clear()
        running = list(_running.values())
    for timer in timers:
        timer.cancel()
    if thread is not None:
        thread.shutdown(wait=False, cancel_futures=True)
        wait_for_futures(running, timeout=max(0.0, deadline - time.monotonic()))
    with _lock:
        for key, future in list(_running.items()):
            if future.cancelled():  # never ran, so its finally never removed the lock file
                _running.pop(key, None)
                with contextlib.suppress(OSError):
                    _lock_files.pop(key).unlink(missing_ok=True)
    if pool is not None:
        processes = list((getattr(pool, "_processes", None) or {}).values())
        pool.shutdown(wait=False, cancel_futures=True)
        for process in processes:
            process.join(max(0.0, deadline - time.monotonic()))
            if process.is_alive():
                process.terminate()
                process.join(1)


def _forget_after_fork() -> None:
    """A forked child (a gunicorn worker of a preloaded app) owns none of its parent's threads,
    pool or timers: start afresh, and never remove the parent's lock files."""
    global _lock, _pool, _thread
    _lock = threading.Lock()
    _pool, _thread = None, None
    _running.clear()
    _lock_files.clear()
    _timers.clear()


os.register_at_fork(after_in_child=_forget_after_fork)


# --- background pack jobs ------------------------------------------------------------------------


def start(key: str, render: Callable[[], bytes]) -> Future | None:
    """Render the PDF cached under `key` in the background, unless it is cached or already being
    rendered here or in another process; returns this process's job, if there is one."""
    global _thread
    app = current_app._get_current_object()
    with _lock:
        running = _running.get(key)
        if running is not None:
            return running
        if engine.cached_pdf(key) is not None or not _take_lock(app, key):
            return None
        if _thread is None:
            _thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="print-jobs")
        # Submitted and recorded under the lock: the job's own clean-up waits for it, so a job
        # that ends at once cannot leave a stale entry behind.
        future = _thread.submit(_job, app, key, render)
        _running[key] = future
        _lock_files[key] = _lock_path(app, key)
        return future


def _job(app: Flask, key: str, render: Callable[[], bytes]) -> bytes:
    try:
        with app.app_context():
            pdf = render()
            engine.store_pdf(key, pdf)
            return pdf
    except Exception:
        app.logger.exception("Background print job failed")
        raise
    finally:
        with _lock:
            _running.pop(key, None)
            _lock_files.pop(key, None)
        _lock_path(app, key).unlink(missing_ok=True)


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
        with contextlib.suppress(FuturesTimeout, Exception):
            return future.result(timeout=seconds)
        return engine.cached_pdf(key)
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if (pdf := engine.cached_pdf(key)) is not None:
            return pdf
        time.sleep(0.1)
    return engine.cached_pdf(key)


def _lock_path(app: Flask, key: str) -> Path:
    return Path(app.config["PDF_CACHE_DIR"]) / f"{key}.rendering"


def _take_lock(app: Flask, key: str) -> bool:
    """Create the lock file beside the PDF; O_EXCL makes exactly one process (or server, on a
    shared cache folder) win."""
    path = _lock_path(app, key)
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
        with app.app_context():
            try:
                render_programme(programme_id)
            except Exception:  # a background render must never take the app down with it
                app.logger.exception("Background render of programme %s failed", programme_id)
            finally:
                # Only now: the render's job is in _running, so idle() never sees a gap between them.
                with _lock:
                    if _timers.get(programme_id) is threading.current_thread():
                        del _timers[programme_id]

    with _lock:
        for programme_id in programme_ids:
            if (timer := _timers.pop(programme_id, None)) is not None:
                timer.cancel()
            timer = threading.Timer(SETTLE_SECONDS, run, args=(programme_id,))
            timer.daemon = True
            _timers[programme_id] = timer
            timer.start()


def idle() -> bool:
    """No render waiting to start or running in this process (tests and the bench wait for this)."""
    with _lock:
        return not _timers and not _running
