"""`python -m sprintgen` and the `sprintgen` command: Ctrl-C at any moment is one line and exit 130.

The command line's own handler covers the commands; this covers the first tenth of a second too (importing click and
the command modules), so an early Ctrl-C never prints a traceback. Nothing else is imported before the `try`.
"""

import sys


def run() -> None:
    """Run the command line."""
    try:
        from sprintgen.cli import main

        main()
    except KeyboardInterrupt:
        try:
            sys.stderr.write("sprintgen: interrupted\n")
        finally:
            sys.exit(130)  # errors.EXIT_INTERRUPTED, not imported: this must work before anything is loaded


if __name__ == "__main__":
    run()
