"""Plain, readable text out of what sources send: TeX rendered as Unicode, markdown emphasis
and stray markup removed (`clean.clean_text`), and the sentences no reader needs in a summary
recognized (`boilerplate.is_boilerplate`)."""

from newsletter.text.boilerplate import is_boilerplate
from newsletter.text.clean import clean_text
from newsletter.text.tex import tex_to_text

__all__ = ["clean_text", "is_boilerplate", "tex_to_text"]
