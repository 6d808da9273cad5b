from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    return CORPUS


@pytest.fixture(scope="session")
def articles():
    from storydiff.corpus import load_corpus

    return {a.id: a for a in load_corpus(CORPUS)}


def write_article(path: Path, body: str = "Ein Satz. Noch ein Satz.", **meta) -> Path:
    meta = {"id": path.stem, "language": "de", **meta}
    lines = ["---"] + [f"{k}: {v}" for k, v in meta.items() if v is not None] + ["---", body]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
