"""Byte-reproducible Office files: the same form record gives the same bytes.

A DOCX or XLSX is a zip of XML parts.  python-docx and openpyxl stamp each zip entry
with the clock (`ZipFile.writestr` uses `time.localtime()`) and the document properties
with "now"; we set the properties ourselves (created, modified, lastModifiedBy, revision)
and rewrite the zip with every entry dated `when`, in a fixed order
([Content_Types].xml first, then the writer's own order, which does not depend on hash
seeds), with fixed attributes and one compression method.
"""
from __future__ import annotations

import datetime as dt
import io
import zipfile

CONTENT_TYPES = "[Content_Types].xml"
AUTHOR = "中小企业公共服务示范平台公开登记库"
DEFAULT_WHEN = dt.datetime(2020, 1, 1, tzinfo=dt.timezone.utc)


def stamp(day: dt.date | None) -> dt.datetime:
    """The fixed time written into a file: midnight UTC of `day` (the source notice's date)."""
    if day is None:
        return DEFAULT_WHEN
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.timezone.utc)


def normalise_zip(data: bytes, when: dt.datetime) -> bytes:
    """The same archive with fixed entry times, order and attributes."""
    date_time = (max(when.year, 1980), when.month, when.day, 0, 0, 0)
    with zipfile.ZipFile(io.BytesIO(data)) as src:
        names = src.namelist()
        if len(set(names)) != len(names):
            raise ValueError("duplicate entries in the archive")
        order = ([CONTENT_TYPES] if CONTENT_TYPES in names else []) + [n for n in names if n != CONTENT_TYPES]
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
            for name in order:
                info = zipfile.ZipInfo(name, date_time)
                info.compress_type = zipfile.ZIP_DEFLATED
                info.create_system = 0          # MS-DOS, as Office writes it (not the build machine's OS)
                info.external_attr = 0
                dst.writestr(info, src.read(name), compresslevel=6)
    return out.getvalue()
