"""Copy standard input, line by line, to a log file rotated by size: ``FILE`` and at most
``--keep`` older ones (``FILE.1`` ...), each at most ``--max-mb`` MB. `make up` writes
Airflow's output through it, so the log of a long session stays bounded."""

import argparse
import logging
import logging.handlers
import sys


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("file")
    parser.add_argument("--max-mb", type=float, default=10)
    parser.add_argument("--keep", type=int, default=3)
    args = parser.parse_args()
    handler = logging.handlers.RotatingFileHandler(
        args.file, maxBytes=int(args.max_mb * 1024 * 1024), backupCount=args.keep
    )
    handler.setFormatter(logging.Formatter("%(message)s"))
    log = logging.getLogger("rotate_log")
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    log.propagate = False
    for line in sys.stdin.buffer:
        log.info(line.decode("utf-8", "replace").rstrip("\n"))


if __name__ == "__main__":
    main()
