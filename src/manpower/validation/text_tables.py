"""Read a curated CSV table into a pandas frame of text, and parse ISO dates strictly.

Everything is read as text so that no bad cell is lost to type inference (the semantic layer
types the columns itself, ``manpower.validation.rules.semantic_frame``). The index is the
frictionless row number: header = 1, first data row = 2.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

from manpower import grammar
from manpower.errors import ManpowerError

if TYPE_CHECKING:
    import pandas as pd


def parse_date(text: str) -> dt.date | None:
    """A real calendar date in ISO form, or None. 2025-02-30 is None, not 2025-03-02."""
    return grammar.parse_date(text)


def read_text_table(path: Path) -> pd.DataFrame:
    import pandas as pd

    try:
        frame = pd.read_csv(
            path,
            dtype=str,
            keep_default_na=False,
            na_filter=False,
            encoding="utf-8",
            skip_blank_lines=True,
        )
    except FileNotFoundError:
        raise ManpowerError(f"{path}: file not found") from None
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise ManpowerError(f"{path}: cannot be read as a UTF-8 CSV table ({exc})") from None
    frame.index = range(2, len(frame) + 2)
    return frame
