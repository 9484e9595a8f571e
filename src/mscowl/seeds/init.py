"""``mscowl init``: an editable copy of the shipped seeds, for users of the installed package.

The seeds inside an installed mscowl are read-only reference data; a curator needs files of
their own to edit. :func:`write_seeds_copy` copies the shipped sheets and ``mapping.toml`` into a
new folder, with a README that starts with the daily loop. It never touches an existing folder.

>>> import tempfile, pathlib
>>> target = write_seeds_copy(pathlib.Path(tempfile.mkdtemp()) / "seeds")
>>> sorted(p.name for p in target.iterdir())[:3]
['README.md', 'lineages.csv', 'mapping.toml']
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Final

from mscowl.errors import InputError, Origin, OutputError
from mscowl.outputs import current_umask
from mscowl.shipped import SEEDS

_LOOP: Final = """\
# Your seeds

These sheets are your copy of the seeds shipped with mscowl: edit them (in a spreadsheet program
or a text editor, saved as UTF-8 CSV), then, from the folder that holds this `seeds/` folder:

    mscowl build      # seeds/ -> build/graph/ (knowledge graph and origin index)
    mscowl validate   # the SHACL shapes; each problem names the sheet, row and column to fix
    mscowl report     # charts -> build/report/
    mscowl release --version 2026-12-01    # a versioned release -> releases/2026-12-01/

`mscowl workbook` writes the sheets as one .xlsx workbook with dropdowns; `mscowl build --seeds
seeds.xlsx` reads it back. Each command replaces only its own output folder, never these sheets.
What each sheet and column means follows below.

"""


def write_seeds_copy(target: Path) -> Path:
    """Copy the shipped seeds into the new folder ``target`` (refused if it exists)."""
    if target.exists() or target.is_symlink():
        raise InputError(
            "exists already; expected a new folder (mscowl init never touches existing files)",
            Origin(str(target)),
        )
    parent = target.parent if str(target.parent) else Path()
    if not parent.is_dir():
        raise InputError(
            f"no such folder: {parent}; expected an existing folder", Origin(str(target))
        )
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.mscowl-init-", dir=parent))
    try:
        for source in sorted(SEEDS.iterdir()):
            if source.is_file() and source.name != "README.md":
                shutil.copyfile(source, staging / source.name)
        reference = (SEEDS / "README.md").read_text(encoding="utf-8")
        (staging / "README.md").write_text(_LOOP + reference, encoding="utf-8")
        mask = current_umask()
        staging.chmod(0o777 & ~mask)
        for path in staging.iterdir():
            path.chmod(0o666 & ~mask)
        staging.rename(target)  # fails if the folder appeared meanwhile
    except OSError as exc:
        raise OutputError(f"cannot write the seeds: {exc.strerror}", Origin(str(target))) from exc
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target
