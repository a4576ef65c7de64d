"""The `filiere` command: Django's management commands under one entry point.

`filiere reference load`, `filiere import sirene FILE`, `filiere demo`, `filiere runserver`...
Two-word commands (`reference load`, `import sirene`) map to a command named by the first word,
which takes the second as its action.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "filiere.settings")
    from django.core.management import execute_from_command_line

    args = argv[1:]
    # `filiere import ...` is a Python keyword clash for a module name: the command is `import_data`.
    # `filiere import training FILE` is the training offer's importer (LHÉO XML or CSV).
    if args[:2] == ["import", "training"]:
        args[:2] = ["import_training"]
    elif args and args[0] == "import":
        args[0] = "import_data"
    execute_from_command_line(["filiere", *args])
    return 0


if __name__ == "__main__":
    sys.exit(main())
