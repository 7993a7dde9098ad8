"""Six-week programme pack: our render against bare WeasyPrint on the same final HTML, a cached repeat,
and the first click after an edit with the background runner.

    .venv/bin/python bench/handouts.py [--repeat 3] [--template six-week-mens-group]

"ours" is what a download costs with an empty cache, rendered in the request (PRINT_WORKERS=0):
print data from the library template, Jinja, Markdown (markdown-it + nh3), QR codes, the locked-down
fetcher, PDF/UA tagging, every part (cover, each week, the vocabulary sheet) rendered one after
another, joining them with pypdf and storing the PDF. "bare" is `weasyprint.HTML(string=html)
.write_pdf()` on the very HTML of each part we produced, one after another, with the same
pdf_variant, so the ratio is our overhead alone. "parallel" is ours with the parts rendered on every
core (PRINT_WORKERS = cores). "cached" is the same download again: everything up to the final HTML,
a hash and a file read. "after an edit" renames one week, lets the background runner render the
pack as it does after a commit (without the settle delay), then clicks: the click's wait is the goal
(under 1 s when the render finished before the click, which is the usual case: the render takes
"edit to ready" seconds plus jobs.SETTLE_SECONDS). Peak memory is measured in separate runs with
tracemalloc (Python allocations; pango and cairo allocate outside it) and as the maximum resident
size of a fresh process doing one render. Times are medians of --repeat runs taken in alternating order.
Goals: render ratio <= 1.15, cached ratio <= 0.05, first click after an edit < 1 s.
The last line is the figures as JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from facilitator import create_app  # noqa: E402
from facilitator.library import shipped  # noqa: E402
from facilitator.printing import engine  # noqa: E402
from facilitator.library.files import SessionSpec, Template, TemplateItem  # noqa: E402
from facilitator.printing import documents  # noqa: E402
from facilitator.printing.data import PrintProgramme, PrintSession, template_data, vocabulary_handout  # noqa: E402


def make_app(workdir: Path):
    os.environ["FACILITATOR_INSTANCE_PATH"] = str(workdir / "instance")
    app = create_app({
        "TESTING": True, "SECRET_KEY": "bench", "DATABASE_URL": f"sqlite:///{workdir / 'bench.sqlite3'}",
        "PDF_CACHE_DIR": str(workdir / "cache"), "PRACTICE_NAME": "Bench Counselling", "PRINT_WORKERS": 0,
    })  # fmt: skip
    with app.app_context():  # an empty database: handouts may read the practice's own rows (support lines)
        from facilitator.extensions import db

        db.create_all()
    return app


def programme_template(library, slug: str) -> Template:
    """The shipped six-week template, or six weeks built from the shipped exercises while it is missing."""
    if slug in library.templates:
        return library.templates[slug]
    slugs = sorted(library.exercises)
    weeks = tuple(
        SessionSpec(title=f"Week {n}", theme="", target_minutes=90, start_time="19:00",
                    items=tuple(TemplateItem("exercise", exercise=s) for s in slugs[n * 4:n * 4 + 4]))  # fmt: skip
        for n in range(6)
    )
    return Template(slug, "Six weeks from the library", "programme", "men", "", 8, weeks)


def with_posters(programme: PrintProgramme) -> PrintProgramme:
    """Give every week a reflection poster, as a programme with forms would have."""
    sessions = tuple(
        PrintSession(**{**vars(s), "poster": documents.poster_data(f"https://groups.example.org/r/W{n}K7QX", f"W{n}K7QX", s.title)})
        for n, s in enumerate(programme.sessions, start=1)
    )
    return PrintProgramme(programme.title, programme.summary, programme.audience, programme.group_size, sessions)


def ours(app, library, template, workers: int = 0) -> bytes:
    """One programme pack download with an empty cache, from library files to PDF bytes."""
    shutil.rmtree(app.config["PDF_CACHE_DIR"], ignore_errors=True)
    app.config["PRINT_WORKERS"] = workers
    try:
        return repeat_download(app, library, template)
    finally:
        app.config["PRINT_WORKERS"] = 0


def pack_of(library, template, renamed: str = ""):
    data = with_posters(template_data(template, library))
    if renamed:  # the facilitator renames week 1
        first = data.sessions[0]
        data = PrintProgramme(data.title, data.summary, data.audience, data.group_size,
                              (PrintSession(**{**vars(first), "title": renamed}), *data.sessions[1:]))  # fmt: skip
    return data, documents.programme_pack(data, library, documents.print_options("A4", False))


def repeat_download(app, library, template, renamed: str = "") -> bytes:
    with app.test_request_context():
        data, _ = pack_of(library, template, renamed)
        return documents.programme_pdf(data, library, documents.print_options("A4", False))


def final_htmls(app, library, template) -> list[str]:
    """Every part's final HTML, the cover with its page numbers filled in, as ours renders them."""
    with app.test_request_context():
        _, pack = pack_of(library, template)
        starts = list(range(2, 2 + 10 * len(pack.parts), 10))
        cover = engine.render_html("programme_pack.html", {**pack.cover_context, "start_pages": starts}, pack.options)
        return [cover, *(part.html for part in pack.parts)]


def bare(htmls: list[str]) -> list[bytes]:
    import weasyprint

    return [weasyprint.HTML(string=html).write_pdf(pdf_variant=engine.PDF_VARIANT) for html in htmls]


def after_an_edit(app, library, template, workers: int, edits: int = 3) -> tuple[float, float, float]:
    """Medians over `edits` renames: seconds from the edit to the pack being ready in the background,
    the first click's wait once it is ready, and a click at once after the edit (until its download)."""
    from facilitator.printing import jobs, views

    app.config["PRINT_WORKERS"] = workers
    ready, click, at_once = [], [], []
    try:
        with app.test_request_context():
            for number in range(edits):
                data, pack = pack_of(library, template, renamed=f"Week 1: arriving, take {number}")
                started = time.perf_counter()
                job = jobs.start(pack.key, pack.render)  # what a commit starts once the edits settle
                job.result(timeout=300)
                ready.append(time.perf_counter() - started)
                click.append(seconds(lambda: repeat_download(app, library, template, f"Week 1: arriving, take {number}")))
                # The impatient case: a click straight after another edit waits on the preparing page.
                data, pack = pack_of(library, template, renamed=f"Week 1: here now, take {number}")
                started = time.perf_counter()
                jobs.start(pack.key, pack.render)
                while jobs.wait(pack.key, views.FIRST_CLICK_WAIT_SECONDS) is None:
                    pass  # the page asks again; the wait above is bounded
                at_once.append(time.perf_counter() - started)
    finally:
        jobs.shutdown()
        app.config["PRINT_WORKERS"] = 0
    return statistics.median(ready), statistics.median(click), statistics.median(at_once)


def seconds(function) -> float:
    start = time.perf_counter()
    function()
    return time.perf_counter() - start


def timed_pairs(first, second, repeat: int) -> tuple[float, float]:
    """Medians of both, run in alternating order so that drift in machine load hits both alike."""
    times: tuple[list[float], list[float]] = ([], [])
    for round_number in range(repeat):
        order = (0, 1) if round_number % 2 == 0 else (1, 0)
        for index in order:
            times[index].append(seconds((first, second)[index]))
    return statistics.median(times[0]), statistics.median(times[1])


def traced_peak(function) -> int:
    tracemalloc.start()
    function()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak


def child_max_rss(mode: str, template_slug: str) -> tuple[int, int]:
    """A fresh process imports everything and builds the HTML, then renders once: its peak resident
    bytes, and how much the render alone raised that peak."""
    result = subprocess.run(
        [sys.executable, __file__, "--child", mode, "--template", template_slug], capture_output=True, text=True,
        check=True,
    )
    peak, growth = result.stdout.strip().splitlines()[-1].split()
    return int(peak), int(growth)


def run_child(mode: str, template_slug: str) -> None:
    import weasyprint  # noqa: F401 (both sides pay the import before the render)

    workdir = Path(tempfile.mkdtemp(prefix="bench-handouts-"))
    app = make_app(workdir)
    with app.app_context():
        library = shipped.library()
        template = programme_template(library, template_slug)
        htmls = final_htmls(app, library, template)
        before = peak_resident_bytes()
        ours(app, library, template) if mode == "ours" else bare(htmls)
        after = peak_resident_bytes()
    shutil.rmtree(workdir, ignore_errors=True)
    print(after, after - before)


def jobs_settle() -> float:
    from facilitator.printing import jobs

    return jobs.SETTLE_SECONDS


def peak_resident_bytes() -> int:
    """This process's high-water mark. VmHWM, unlike ru_maxrss, does not inherit the parent's peak
    across fork and exec."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--template", default="six-week-mens-group")
    parser.add_argument("--child", choices=("ours", "bare"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        run_child(args.child, args.template)
        return

    from pypdf import PdfReader

    cores = os.cpu_count() or 1
    workdir = Path(tempfile.mkdtemp(prefix="bench-handouts-"))
    app = make_app(workdir)
    with app.app_context():
        library = shipped.library()
        template = programme_template(library, args.template)
        htmls = final_htmls(app, library, template)
        html = "".join(htmls)
        pdf = ours(app, library, template)  # warm-up: fonts, imports, template compilation
        bare(htmls)
        ours(app, library, template, workers=cores)  # warm-up: the render processes
        pages = len(PdfReader(__import__("io").BytesIO(pdf)).pages)

        ours_s, bare_s = timed_pairs(lambda: ours(app, library, template), lambda: bare(htmls), args.repeat)
        parallel_s = statistics.median(seconds(lambda: ours(app, library, template, workers=cores)) for _ in range(args.repeat))
        repeat_download(app, library, template)
        cached_s = statistics.median(seconds(lambda: repeat_download(app, library, template)) for _ in range(7))
        ready_s, click_s, at_once_s = after_an_edit(app, library, template, cores, edits=args.repeat)
        peak_ours = traced_peak(lambda: ours(app, library, template))
        peak_bare = traced_peak(lambda: bare(htmls))
    (rss_ours, growth_ours), (rss_bare, growth_bare) = (child_max_rss(m, args.template) for m in ("ours", "bare"))
    shutil.rmtree(workdir, ignore_errors=True)

    figures = {
        "template": template.slug, "weeks": len(template.sessions), "pages": pages, "html_kb": len(html) // 1024,
        "ours_s": round(ours_s, 3), "bare_s": round(bare_s, 3), "render_ratio": round(ours_s / bare_s, 3),
        "cached_s": round(cached_s, 4), "cached_ratio": round(cached_s / bare_s, 4),
        "cores": cores, "parallel_s": round(parallel_s, 3), "parallel_ratio": round(parallel_s / bare_s, 3),
        "edit_to_ready_s": round(ready_s, 3), "edit_to_ready_ratio": round(ready_s / bare_s, 3),
        "first_click_after_edit_s": round(click_s, 4), "first_click_after_edit_ratio": round(click_s / bare_s, 4),
        "click_at_once_after_edit_s": round(at_once_s, 3), "click_at_once_after_edit_ratio": round(at_once_s / bare_s, 3),
        "peak_python_mib_ours": round(peak_ours / 2**20, 1), "peak_python_mib_bare": round(peak_bare / 2**20, 1),
        "max_rss_mib_ours": round(rss_ours / 2**20, 1), "max_rss_mib_bare": round(rss_bare / 2**20, 1),
        "render_rss_growth_mib_ours": round(growth_ours / 2**20, 1), "render_rss_growth_mib_bare": round(growth_bare / 2**20, 1),
        "pages_per_s": round(pages / ours_s, 1),
    }  # fmt: skip
    print(f"{template.slug}: {pages} pages, {len(template.sessions)} weeks")
    print(f"render:  ours {ours_s:.3f} s, bare WeasyPrint {bare_s:.3f} s -> {ours_s / bare_s:.3f}x (goal <= 1.15x)")
    print(f"parallel: {parallel_s:.3f} s on {cores} processes -> {parallel_s / bare_s:.3f}x of bare (report)")
    print(f"cached:  {cached_s * 1000:.1f} ms -> {cached_s / bare_s:.4f}x of bare (goal <= 0.05x)")
    print(f"edit:    one week renamed, ready in the background after {ready_s:.3f} s ({ready_s / bare_s:.3f}x of bare) "
          f"+ {jobs_settle()} s settle; first click then waits {click_s * 1000:.1f} ms ({click_s / bare_s:.4f}x of bare; goal < 1 s); "
          f"a click at once after the edit has its download after {at_once_s:.3f} s ({at_once_s / bare_s:.3f}x)")  # fmt: skip
    print(f"memory:  Python peak ours {figures['peak_python_mib_ours']} MiB, bare {figures['peak_python_mib_bare']} MiB; "
          f"process max RSS ours {figures['max_rss_mib_ours']} MiB (+{figures['render_rss_growth_mib_ours']} for the render), "
          f"bare {figures['max_rss_mib_bare']} MiB (+{figures['render_rss_growth_mib_bare']})")  # fmt: skip
    print(f"speed:   {figures['pages_per_s']} pages per second")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
