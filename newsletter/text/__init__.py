"""Plain, readable text out of what sources send: TeX rendered as Unicode, markdown emphasis
and stray markup removed (`clean.clean_text`), and the sentences no reader needs in a summary
recognized (`boilerplate.is_boilerplate`). The one normalization for matching and weighing
words (`words`: folding, the words of a text, the stopwords) and the one TF-IDF (`tfidf`), which
the personal ranking and the offline summarizer share; the word lists these read are data files
in `newsletter/data/` (`word_lists`)."""

from newsletter.text.boilerplate import is_boilerplate
from newsletter.text.clean import clean_text, without_bidi
from newsletter.text.tex import tex_to_text

__all__ = ["clean_text", "is_boilerplate", "tex_to_text", "without_bidi"]
