"""storydiff: how German and English news outlets tell the same story, sentence by sentence.

Public names are imported on first use, so ``import storydiff`` stays cheap (no model, no numpy
work at import time)::

    import storydiff
    c = storydiff.compare(storydiff.load_article(a_path), storydiff.load_article(b_path))
"""

from importlib import import_module
from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("storydiff")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0"

_PUBLIC = {
    "Article": "corpus", "CorpusError": "corpus", "load_article": "corpus", "load_corpus": "corpus",
    "load_text": "corpus", "Unit": "segment", "segment": "segment", "embed": "embed",
    "get_encoder": "embed", "EncoderError": "embed", "align": "align", "compare": "compare",
    "Comparison": "compare", "Link": "compare", "evaluate": "evaluate", "corpus_table": "stories",
    "group_stories": "stories", "story_similarity": "stories", "find_facts": "facts", "names_match": "names",
}
__all__ = ["__version__", *_PUBLIC]


def __getattr__(name):
    if name in _PUBLIC:
        return getattr(import_module(f".{_PUBLIC[name]}", __name__), name)
    raise AttributeError(f"module 'storydiff' has no attribute {name!r}")
