"""Implicit conditional behaviour of cs:group.

CSL 1.0.2, "Group" (https://docs.citationstyles.org/en/stable/specification.html#group):
a ``cs:group`` is suppressed if (a) at least one rendering element in it calls a
variable (directly or via a macro) and (b) all variables that are called are
empty.  Only the branch of ``cs:choose`` that is actually taken counts, and a
nested group counts as a variable call that is empty when the nested group is
suppressed.

Stock citeproc-py decides statically with ``calls_variable()``, which looks at
every branch of a ``cs:choose`` -- so a group whose only output is a constant
(``<text value="publication"/>``) from a taken branch was printed when another,
untaken branch mentioned a variable.  Here variable calls are recorded while
rendering, in a stack of frames (one per group being rendered).

A ``<text macro="..."/>`` call is treated the same way (as citeproc-js does; the
specification is silent): a macro whose variables are all empty prints nothing,
not even its terms ("In " before absent editors).
"""
from __future__ import annotations

from citeproc import model
from citeproc.source import VariableError

from ..context import render_context
from ..overrides import define, stock
from ..seams import nonempty
from ..treememo import attrs, children


def note_variable(rendered: bool) -> None:
    frames = render_context().group_frames
    if frames:
        frame = frames[-1]
        frame[0] = True
        if rendered:
            frame[1] = True


_nonempty = nonempty  # text is not None and str(text) != ''


def _printed(current) -> bool | None:
    """Whether the cite or entry being rendered has printed anything (rules.citation)."""
    return current.cite_states[-1].printed if current.cite_states else None


def _restore_printed(current, printed: bool | None) -> None:
    # what a suppressed group or macro printed was never printed: a term after it is still
    # the first thing printed (citeproc-js restores term_predecessor the same way)
    if printed is not None and current.cite_states:
        current.cite_states[-1].printed = printed


def _recording(render):
    def wrapper(self, *args, **kwargs):
        try:
            text = render(self, *args, **kwargs)
        except VariableError:
            note_variable(False)
            raise
        note_variable(_nonempty(text))
        return text
    wrapper.__wrapped__ = render
    return wrapper


_original_text_render = stock(model.Text, 'render')


def text_render(self, *args, **kwargs):
    attrib = attrs(self)
    variable = attrib.get('variable')
    if attrib.get('term') == 'no date':
        # the "no date" term stands in for the empty date variable (citeproc-js counts
        # it as rendered date content, so "Journal n.d." is not suppressed)
        text = _original_text_render(self, *args, **kwargs)
        note_variable(_nonempty(text))
        return text
    if attrib.get('macro') is not None:
        # citeproc-js treats a macro call like an implicit cs:group: when the macro
        # calls variables and all of them are empty, its terms and values are not
        # printed either ("In " before absent editors).
        frame = [False, False]
        current = render_context()
        frames = current.group_frames
        printed = _printed(current)
        frames.append(frame)
        try:
            text = _original_text_render(self, *args, **kwargs)
        finally:
            frames.pop()
        suppressed = frame[0] and not frame[1]
        if frame[0] or _nonempty(text):
            note_variable(not suppressed and _nonempty(text))
        if suppressed:
            _restore_printed(current, printed)
            return None
        return text
    if variable is None or variable == 'year-suffix':
        return _original_text_render(self, *args, **kwargs)
    return _recorded_text_render(self, *args, **kwargs)


_recorded_text_render = _recording(_original_text_render)
define(model.Text, 'render', text_render)
_original_names_render = stock(model.Names, 'render')


def _has_names(self, item) -> bool:
    for variable in (self.get('variable') or '').split():
        try:
            if item.reference.get(variable.replace('-', '_')):
                return True
        except (AttributeError, VariableError):
            continue
    return False


def names_render(self, item, *args, **kwargs):
    """cs:names counts as a rendered variable when it prints names -- its own, or those
    of a substitute.  A substitute that prints only a term or a value ("Anonymous") is no
    variable, as in citeproc-js: a macro or group holding nothing else is suppressed
    (journal-of-periodontal-research leaves "Anonymous" out of an unsigned report)."""
    frame = [False, False]
    frames = render_context().group_frames
    frames.append(frame)
    try:
        text = _original_names_render(self, item, *args, **kwargs)
    except VariableError:
        frames.pop()
        note_variable(False)
        raise
    frames.pop()
    own = _has_names(self, item)
    note_variable(_nonempty(text) and (own or frame[1]))
    return text


define(model.Names, 'render', names_render)
define(model.Date, 'render', _recording(stock(model.Date, 'render')))
define(model.Number, 'render', _recording(stock(model.Number, 'render')))


def group_process(self, item, context=None, **kwargs):
    output = []
    delimiter = attrs(self).get('delimiter', '')
    frame = [False, False]
    current = render_context()
    frames = current.group_frames
    printed = _printed(current)
    frames.append(frame)
    try:
        for child in children(self):
            try:
                if isinstance(child, model.Choose):
                    child_text = child.render(item, context=context,
                                              delimiter=delimiter, **kwargs)
                else:
                    child_text = child.render(item, context=context, **kwargs)
                if child_text is not None:
                    output.append(child_text)
            except VariableError:
                pass
    finally:
        frames.pop()
    output = [text for text in output if _nonempty(text)]
    suppressed = not output or (frame[0] and not frame[1])
    # for the enclosing group, a nested group that printed something counts as a
    # non-empty variable (as in citeproc-js), a suppressed one as an empty variable
    if frame[0] or not suppressed:
        note_variable(not suppressed)
    if suppressed:
        _restore_printed(current, printed)
        raise VariableError
    return self.join(output)


define(model.Group, 'process', group_process)


# A sort key rendered through a macro follows the same rule: a macro whose variables are
# all empty gives no key (sorted last, as citeproc-js does), not its terms ("Anonymous").
_original_macro_render = stock(model.Macro, 'render')


def macro_render(self, item, context=None, sort_options=None):
    if sort_options is None:
        return _original_macro_render(self, item, context=context, sort_options=sort_options)
    frame = [False, False]
    frames = render_context().group_frames
    frames.append(frame)
    try:
        text = _original_macro_render(self, item, context=context, sort_options=sort_options)
    finally:
        frames.pop()
    suppressed = frame[0] and not frame[1]
    if frame[0] or _nonempty(text):
        note_variable(not suppressed and _nonempty(text))
    return None if suppressed else text


define(model.Macro, 'render', macro_render)
