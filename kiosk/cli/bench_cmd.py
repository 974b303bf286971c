"""`kiosk bench`: measure start-up, taps, idle CPU, memory, submits and the queue against floors from the same run."""

from __future__ import annotations

import argparse
import platform
import sys
import time
from pathlib import Path

from kiosk.ops.exit_codes import EXIT_OK, EXIT_USAGE


def add_parser(verbs: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = verbs.add_parser(
        "bench",
        help="measure speed, memory and scale on this PC",
        description=(
            "Measure this PC: cold start, memory, tap-to-screen time, idle CPU, memory growth, durable submits, "
            "the reception queue at 10k/100k/1M requests and eight kiosks sharing one database. Each figure is "
            "shown beside a floor measured in the same run (a bare Qt window, a raw SQLite commit, a raw indexed "
            "query). Everything runs off-screen in a temporary folder: the clinic's settings, database and "
            "keyring are never touched. The full run takes about half an hour; --quick a few minutes."
        ),
    )
    parser.add_argument("--quick", action="store_true", help="fewer repetitions, 10 s idle, no 1M queue (for CI)")
    parser.add_argument("--json", metavar="FILE", type=Path, help="also write the figures to FILE as JSON")
    parser.set_defaults(handler=bench)


def bench(args: argparse.Namespace) -> int:
    json_file: Path | None = args.json
    if json_file is not None and not json_file.parent.is_dir():
        print(
            f"kiosk: the folder for --json {json_file} does not exist; create it or name another file.", file=sys.stderr
        )
        return EXIT_USAGE
    from kiosk.bench.figures import table, write_json
    from kiosk.bench.runner import FULL, QUICK, run

    started = time.perf_counter()
    figures = run(QUICK if args.quick else FULL)
    print(table(figures))
    met = sum(figure.met for figure in figures)
    print(
        f"\n{met} of {len(figures)} targets met in {time.perf_counter() - started:.0f} s "
        f"({'quick' if args.quick else 'full'} run) on {platform.node()}: {platform.platform()}, "
        f"{platform.processor() or platform.machine()}, Python {platform.python_version()}."
    )
    if json_file is not None:
        write_json(figures, json_file)
    return EXIT_OK
