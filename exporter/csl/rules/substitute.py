"""cs:substitute suppresses the variables it used.

CSL 1.0.2, "Substitute" (https://docs.citationstyles.org/en/stable/specification.html#substitute):
"Substituted variables are suppressed in the rest of the output to prevent
duplication."  An editor-only book whose editors replace the author is not
followed by "(A. Ferrand & K. Oduya, Eds.)"; a title that replaces a missing
author is not printed a second time.

Stock citeproc-py only suppressed ``cs:text`` variables named directly in the
substitute (not names, dates, numbers, or variables reached through a macro).
Here every variable that renders output while a substitute child is rendered
is recorded, and suppressed for the rest of the entry or cite.  The state is
reset whenever citeproc-py starts a new entry/cite (it assigns
``layout.repressed = {}`` each time).
"""
from __future__ import annotations

from citeproc import model
from citeproc.source import VariableError

from ..context import render_context
from ..overrides import define, stock
from ..seams import nonempty
from .groups import note_variable


def _get_repressed(self) -> dict:
    return render_context().repressed


def _set_repressed(self, value: dict) -> None:
    # citeproc-py assigns layout.repressed = {} when it starts an entry or a cite
    render_context().start_entry(value)


define(model.Layout, 'repressed', property(_get_repressed, _set_repressed))


def _variables(element) -> list[str]:
    value = element.get('variable')
    if not value:
        return []
    names = value.split()
    return names + [n[:-6] for n in names if n.endswith('-short')]


def _record(element, text) -> None:
    recorders = render_context().substitute_recorders
    if recorders and nonempty(text):
        for recorder in recorders:
            recorder.update(_variables(element))


def _suppressing(render):
    def wrapper(self, *args, **kwargs):
        # (the attribute is read only while variables are suppressed)
        substituted = render_context().substituted
        variables = substituted and self.get('variable')
        if variables and substituted:
            names = variables.split()
            kept = [v for v in names if v not in substituted]
            if not kept:
                # a suppressed variable is an empty one for the enclosing group: its
                # label alone is not printed ("(Vol.)" after the title used the volume)
                note_variable(False)
                return None
            if len(kept) < len(names):  # cs:names with several variables
                self.set('variable', ' '.join(kept))
                try:
                    text = render(self, *args, **kwargs)
                finally:
                    self.set('variable', variables)
                _record(self, text)
                return text
        text = render(self, *args, **kwargs)
        _record(self, text)
        return text
    wrapper.__wrapped__ = render
    return wrapper


for _cls in (model.Text, model.Names, model.Date, model.Number):
    define(_cls, 'render', _suppressing(stock(_cls, 'render')))


def substitute_render(self, item, context=None, **kwargs):
    text = None
    current = render_context()
    recorders = current.substitute_recorders
    for child in self.getchildren():
        recorders.append(set())
        try:
            if ((isinstance(child, model.Names) and child.name is None)
                    or isinstance(child, model.Choose)):
                # a cs:names in cs:substitute without its own cs:name uses the name
                # (and label) of the enclosing cs:names -- also inside a cs:choose
                names = self.xpath_search('./parent::cs:names[1]')[0]
                text = child.render(item, names_context=names, context=context, **kwargs)
            else:
                text = child.render(item, context=context, **kwargs)
        except VariableError:
            text = None
        finally:
            used = recorders.pop()
        if text:
            current.substituted.update(used)
            current.substituted.update(_variables(child))
            # citeproc-js: names substituted after a cs:names with a cs:name of its own
            # take no part in subsequent-author-substitute (rules.citation.names_render;
            # MLA's "guest" before "editor": an edited volume and the editor's own book)
            current.substitute_unmatched = any(
                isinstance(other, model.Names) and other.name is not None
                for other in self.getchildren()[:self.index(child)])
            return text
    return None


define(model.Substitute, 'render', substitute_render)


_original_names_process = stock(model.Names, 'process')


def names_process(self, item, names_context=None, context=None, **kwargs):
    if names_context is not None and names_context is not self and self.name is not None:
        names_context = self  # a cs:names with its own cs:name keeps it
    return _original_names_process(self, item, names_context=names_context, context=context,
                                   **kwargs)


define(model.Names, 'process', names_process)
