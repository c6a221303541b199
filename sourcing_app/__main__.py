"""Entry point: `sourcing-app` opens the desktop app; `sourcing-app COMMAND` runs a command."""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    from sourcing_app.cli import EXIT_BROKEN_PIPE, silence_stdout
    from sourcing_app.cli import main as cli_main

    code = cli_main(sys.argv[1:] if argv is None else argv)
    try:
        sys.stdout.flush()
    except BrokenPipeError:  # the reader left after the command's own flush
        silence_stdout()
        return EXIT_BROKEN_PIPE
    return code


if __name__ == "__main__":
    sys.exit(main())
