"""The CSL 1.0.2 variables exporter reads and sorts by, including those citeproc-py 0.11.1 lacks.

CSL 1.0.2, Appendix IV "Variables"
(https://docs.citationstyles.org/en/stable/specification.html#appendix-iv-variables):
1.0.2 added name variables (chair, compiler, contributor, curator, director,
editor-translator, executive-producer, guest, host, narrator, organizer, performer,
producer, reviewed-author, script-writer, series-creator) and the date variable
available-date.  citeproc-py keeps its lists in ``citeproc.NAMES``, ``citeproc.DATES``
and ``citeproc.VARIABLES``; exporter leaves those alone and uses the extended copies
here: in its CSL-JSON reader (exporter.csl.engine.ExporterCiteProcJSON), its Reference
class, and its ``cs:key`` (sorting by a name or date variable, :func:`key_sort_keys`).
"""
from __future__ import annotations

import citeproc
from citeproc import model

from ..overrides import define

NAME_VARIABLES_1_0_2 = (
    'chair', 'compiler', 'contributor', 'curator', 'director', 'editor_translator',
    'executive_producer', 'guest', 'host', 'narrator', 'organizer', 'performer',
    'producer', 'reviewed_author', 'script_writer', 'series_creator',
)
DATE_VARIABLES_1_0_2 = ('available_date',)

#: name variables (citeproc-py's and CSL 1.0.2's), with "_" for "-" as citeproc-py keys them
NAMES: frozenset[str] = frozenset(citeproc.NAMES) | frozenset(NAME_VARIABLES_1_0_2)
#: date variables
DATES: frozenset[str] = frozenset(citeproc.DATES) | frozenset(DATE_VARIABLES_1_0_2)
#: every variable a Reference may hold
VARIABLES: frozenset[str] = (frozenset({'uri', 'container_uri', 'contributor', 'date'})
                             | frozenset(citeproc.VARIABLES) | NAMES | DATES)


def key_sort_keys(self, items, context):
    # stock citeproc.model.Key.sort_keys, with exporter's NAMES and DATES
    if 'variable' in self.attrib:
        variable = self.get('variable').replace('-', '_')
        if variable in NAMES:
            sort_keys = [self._format_name(item, variable)
                         for item in items]
        elif variable in DATES:
            sort_keys = []
            for item in items:
                date = item.reference.get(variable)
                if date is not None:
                    sort_keys.append(date.sort_key())
                else:
                    sort_keys.append(None)
        elif variable in model.NUMBERS:
            sort_keys = [self._format_number(item, variable)
                         for item in items]
        elif variable == 'citation_number':
            sort_keys = [item.number for item in items]
        else:
            sort_keys = [item.get_field(variable) for item in items]
    elif 'macro' in self.attrib:
        layout = context.get_layout()
        # override name options
        sort_options = {'name-as-sort-order': 'all'}
        for option in ('names-min', 'names-use-first', 'names-use-last'):
            if option in self.attrib:
                name = option.replace('names', 'et-al')
                sort_options[name] = self.get(option)
        macro = self.get_macro(self.get('macro'))
        sort_keys = []
        for item in items:
            layout.repressed = {}
            sort_key = macro.render(item, context=context,
                                    sort_options=sort_options)
            sort_keys.append(sort_key)

    return sort_keys


define(model.Key, 'sort_keys', key_sort_keys)
