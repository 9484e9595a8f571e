"""``python -m mscowl``: the same as the ``mscowl`` command."""

from mscowl.cli import main

if __name__ == "__main__":
    main()
