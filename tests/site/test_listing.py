"""listing.Listing: what the published folder holds, listed by a forked child while the build starts."""
from __future__ import annotations

import os

from registry_site.listing import Listing, walk


def test_the_childs_listing_is_every_file_with_its_size_and_every_folder(tmp_path):
    (tmp_path / "platforms/p1").mkdir(parents=True)
    (tmp_path / "platforms/p1/index.html").write_text("<p>平台</p>", "utf-8")
    (tmp_path / "platforms/p1.json").write_bytes(b"{}")
    (tmp_path / "empty").mkdir()
    (tmp_path / "index.html").write_bytes(b"x" * 1000)
    found = Listing(tmp_path).result()
    files, folders = found
    assert files == {"platforms/p1/index.html": len("<p>平台</p>".encode()), "platforms/p1.json": 2, "index.html": 1000}
    assert sorted(folders) == ["empty", "platforms", "platforms/p1"]
    # what os.walk finds, and what walk() finds here in this process
    expected = {os.path.relpath(os.path.join(d, f), tmp_path): os.path.getsize(os.path.join(d, f))
                for d, _, fs in os.walk(tmp_path) for f in fs}
    assert files == expected
    assert (files, sorted(folders)) == (walk(str(tmp_path))[0], sorted(walk(str(tmp_path))[1]))


def test_a_folder_not_there_has_no_listing(tmp_path):
    listing = Listing(tmp_path / "output")
    assert listing.result() is None and listing.sizes() is None
