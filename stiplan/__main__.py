"""The `stiplan` console script: a thin front for the Django management commands, which refuses
to start, with the reason and no traceback, when the settings cannot be loaded safely."""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "stiplan.settings")
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        settings.SECRET_KEY  # noqa: B018 (loads the settings: data folder, secret key)
    except ImproperlyConfigured as exc:
        sys.exit(str(exc))
    execute_from_command_line(["stiplan", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    main()
