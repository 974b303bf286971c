"""`kiosk bench`: measure start-up, taps, idle CPU, memory, submits and the queue against floors from the same run."""

from __future__ import annotations

import argparse
import platform
import sys
import time
from pathlib import Path

from kiosk.ops.exit_codes import EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE


def add_parser(verbs: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = verbs.add_parser(
        "bench",
        help="measure speed, memory and scale on this PC",
        description=(
            "Measure this PC: cold start, memory, tap-to-screen time, idle CPU, memory growth, durable submits, "
            "the reception queue at 10k/100k/1M requests and eight kiosks sharing one database. Each figure is "
            "shown beside a floor measured in the same run (a bare Qt window, a raw SQLite commit, a raw indexed "
            "query). Everything runs off-screen in a temporary folder: the clinic's settings, database and "
            "keyring are never touched. The full run takes about half an hour; --quick a few minutes; --smoke "
            "about a minute and a half."
        ),
    )
    size = parser.add_mutually_exclusive_group()
    size.add_argument("--quick", action="store_true", help="fewer repetitions, 10 s idle, no 1M queue (for CI)")
    size.add_argument(
        "--smoke",
        action="store_true",
        help="each figure once at the smallest size that still measures it and its floor (one start, 2 s idle, "
        "the 10k queue only): shows the bench works on this PC; rough figures, some targets may be missed",
    )
    parser.add_argument("--json", metavar="FILE", type=Path, help="also write the figures to FILE as JSON")
    soak = parser.add_argument_group(
        "soak",
        "--soak instead drives one kiosk through a month of use in one process (every language, text size and "
        "contrast, both request kinds, the urgent path, idle resets, a briefly locked database), reads memory, "
        "Qt and Python objects, files, threads, timers, database connections and the log folder at intervals, "
        "and prints the curve, a plot and a verdict per figure. The full soak takes one to two hours on a 2-core PC.",
    )
    soak.add_argument("--soak", action="store_true", help="run the soak instead of the figures")
    soak.add_argument("--taps", type=_count, default=SOAK_TAPS, metavar="N", help="taps (default %(default)s)")
    soak.add_argument("--visits", type=_count, default=SOAK_VISITS, metavar="N", help="visits (default %(default)s)")
    soak.add_argument(
        "--sample-every",
        type=_count,
        default=SOAK_EVERY,
        metavar="N",
        help="taps between readings (default %(default)s)",
    )
    soak.add_argument(
        "--plot", metavar="FILE", type=Path, default=Path("kiosk-soak.png"), help="the PNG plot (default %(default)s)"
    )
    soak.add_argument(
        "--postgres",
        action="store_true",
        help="on a throw-away PostgreSQL server started for the soak (never the clinic's), restarted every few "
        "readings while patients send",
    )
    parser.set_defaults(handler=bench)


SOAK_TAPS, SOAK_VISITS, SOAK_EVERY = 100_000, 10_000, 2_000  # a busy clinic's month (issue 22)


def _count(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of 1 or more")
    return int(text)


def bench(args: argparse.Namespace) -> int:
    json_file: Path | None = args.json
    if json_file is not None and not json_file.parent.is_dir():
        print(
            f"kiosk: the folder for --json {json_file} does not exist; create it or name another file.", file=sys.stderr
        )
        return EXIT_USAGE
    if args.soak:
        return _soak(args, json_file)
    from kiosk.bench.figures import table, write_json
    from kiosk.bench.runner import PLANS, run

    plan = "smoke" if args.smoke else "quick" if args.quick else "full"
    started = time.perf_counter()
    figures = run(PLANS[plan])
    print(table(figures))
    met = sum(figure.met for figure in figures)
    print(
        f"\n{met} of {len(figures)} targets met in {time.perf_counter() - started:.0f} s "
        f"({plan} run) on {platform.node()}: {platform.platform()}, "
        f"{platform.processor() or platform.machine()}, Python {platform.python_version()}."
    )
    if json_file is not None:
        write_json(figures, json_file)
    return EXIT_OK


def _soak(args: argparse.Namespace, json_file: Path | None) -> int:
    plot: Path = args.plot
    if not plot.absolute().parent.is_dir():
        print(f"kiosk: the folder for --plot {plot} does not exist; create it or name another file.", file=sys.stderr)
        return EXIT_USAGE
    import json

    from kiosk.bench import soak

    plan = soak.SoakPlan(args.taps, args.visits, min(args.sample_every, args.taps), postgres=args.postgres)
    started = time.perf_counter()
    try:
        samples, rows = soak.run(plan, plot)
    except soak.SoakFailed as exc:
        print(f"kiosk: the soak stopped: {exc}", file=sys.stderr)
        return EXIT_PROBLEMS
    print(soak.curve_table(samples))
    print()
    print(soak.verdict_table(rows))
    met = sum(row.met for row in rows)
    print(
        f"\n{met} of {len(rows)} figures met their target over {plan.taps:,} taps and {plan.visits:,} visits in "
        f"{time.perf_counter() - started:.0f} s on {platform.node()}: {platform.platform()}, "
        f"{platform.processor() or platform.machine()}, Python {platform.python_version()}. Plot: {plot}"
    )
    if json_file is not None:
        verdicts = [{**vars(row), "change": row.change} for row in rows]
        json_file.write_text(json.dumps({"samples": samples, "verdicts": verdicts}, indent=2) + "\n", encoding="utf-8")
    return EXIT_OK
