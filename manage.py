#!/usr/bin/env python
"""Django's command-line utility for Recording Studio Manager."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "siteconf.settings")
    # A command typed on a laptop gets the launcher's development defaults (DEBUG and this
    # checkout's key) unless DJANGO_DEBUG is set; the web servers (wsgi) never do.
    from siteconf.devserver import development_defaults

    development_defaults(os.environ)
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
