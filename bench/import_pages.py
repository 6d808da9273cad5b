"""Saved news pages into a corpus: how close the imported text comes to the expected text.

The pages are the real saved news pages inside newspaper4k's source distribution on PyPI (CNN,
Time, Wired, Fox 13, cleveland.com, ...; `make env` puts them in .venv/share/news-pages). For each
page with an expected text beside it: token F1 of the text `storydiff import` writes (without the
title line it puts first) against that text. Also how many pages were imported, skipped (with the
reason) and flagged as near-duplicates.

    python bench/import_pages.py [--pages .venv/share/news-pages/newspaper4k-0.9.6/tests/data]
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from two_outlets import ROOT  # noqa: E402

PAGES = ROOT / ".venv" / "share" / "news-pages" / "newspaper4k-0.9.6" / "tests" / "data"


def token_f1(got: str, want: str) -> float:
    a, b = Counter(re.findall(r"\w+", got.lower())), Counter(re.findall(r"\w+", want.lower()))
    common = sum((a & b).values())
    if not common:
        return 0.0
    p, r = common / sum(a.values()), common / sum(b.values())
    return 2 * p * r / (p + r)


def measure(pages: Path) -> dict:
    from storydiff.corpus import load_article
    from storydiff.importer import import_paths

    with tempfile.TemporaryDirectory() as tmp:
        report = import_paths([pages / "html"], Path(tmp) / "articles")
        scores = {}
        for path in report.written:
            art = load_article(path)
            src = Path(art.imported_from)
            want = pages / "txt" / f"{src.stem}.txt"
            if want.exists():
                text = art.text[len(art.title):] if art.title and art.text.startswith(art.title) else art.text
                scores[src.stem] = token_f1(text, want.read_text(encoding="utf-8"))
    return {"written": len(report.written), "skipped": report.skipped, "duplicates": report.duplicates,
            "f1": scores}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--pages", default=str(PAGES))
    args = ap.parse_args(argv)
    pages = Path(args.pages)
    if not (pages / "html").is_dir():
        print(f"{pages}/html not found; run `make env` (it fetches newspaper4k's source distribution)",
              file=sys.stderr)
        return 2
    res = measure(pages)
    f1 = res["f1"]
    print(f"{len(list((pages / 'html').glob('*.html')))} saved pages: {res['written']} imported, "
          f"{len(res['skipped'])} skipped, {len(res['duplicates'])} flagged as near-duplicates")
    for where, why in res["skipped"]:
        print(f"  skipped {Path(where).name}: {why}")
    for stem, score in sorted(f1.items()):
        print(f"  {stem:24} token F1 {score:.3f}")
    if f1:
        print(f"  mean token F1 over {len(f1)} pages with an expected text: {sum(f1.values()) / len(f1):.3f} "
              f"(lowest {min(f1.values()):.3f})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
