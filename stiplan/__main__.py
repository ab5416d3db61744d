"""The `stiplan` console script: a thin front for the Django management commands."""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "stiplan.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["stiplan", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    main()
