"""Cite positions: first, subsequent, ibid, ibid-with-locator, near-note.

CSL 1.0.2 (https://docs.citationstyles.org/en/stable/specification.html), "Choose",
the ``position`` condition, and "Note Distance" (``near-note-distance``, default 5).
A document's citation clusters are taken in order and every cite gets a position,
computed the way citeproc-js does (processCitationCluster, as used by Zotero):

* **first**: the first cite of an item;
* **subsequent**: any later cite of it;
* **ibid**: a subsequent cite of the item cited immediately before -- the previous
  cite in the same cluster, or, for the first cite of a cluster, the cite of the
  previous cluster when that cluster is in the same or the preceding note and its
  note cites only this one item (for clusters in the same note, and for clusters in
  the running text, the last cite of the previous cluster);
* **ibid-with-locator**: an ibid whose locator differs from the preceding cite's, or
  that has a locator the preceding cite lacks.  A cite *without* a locator after one
  *with* a locator is subsequent, not ibid.  Locators are compared with their
  labels, as given ("12" and "12" with label "page" differ, as in citeproc-js);
* **near-note**: a subsequent cite of an item also cited at most
  ``near-note-distance`` notes before (always, for clusters in the running text).

The tests are hierarchical: ibid-with-locator passes ``position="ibid"``, and ibid
and near-note pass ``position="subsequent"``.  Positions are never true in the
bibliography.  ``first-reference-note-number`` is the note of an item's first cite,
set on later cites in other notes.

Notes: clusters carry note numbers (0 = in the running text, not in a note).
Clusters in the text and clusters in notes are two separate sequences.  When the
note number goes down, numbering restarts and earlier cites are forgotten (as
citeproc-js does, e.g. for a new chapter).
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

FIRST = 'first'
SUBSEQUENT = 'subsequent'
IBID = 'ibid'
IBID_WITH_LOCATOR = 'ibid-with-locator'
NEAR_NOTE = 'near-note'
_RANK = {FIRST: 0, SUBSEQUENT: 1, IBID: 2, IBID_WITH_LOCATOR: 3}
DEFAULT_NEAR_NOTE_DISTANCE = 5
CITE_KEYS = ('id', 'locator', 'label', 'prefix', 'suffix')
CLUSTER_KEYS = ('cites', 'note', 'label')


@dataclass(frozen=True, slots=True)
class CitePosition:
    """Where a cite stands in the document (see the module docstring)."""

    position: str = FIRST
    near_note: bool = False
    first_reference_note_number: int | None = None

    def test(self, value: str) -> bool:
        """One value of a CSL ``position`` condition."""
        if value == FIRST:
            return self.position == FIRST
        if value == NEAR_NOTE:
            return self.position != FIRST and self.near_note
        rank = _RANK.get(value)
        return rank is not None and _RANK[self.position] >= rank


FIRST_POSITION = CitePosition()


@dataclass(frozen=True, slots=True)
class Cite:
    """What position evaluation needs of one cite: the item and its locator."""

    key: str
    locator: str | None = None  # locator + label, as citeproc-js compares them


def locator_key(cite: Mapping[str, Any]) -> str | None:
    locator = cite.get('locator')
    if locator in (None, ''):
        return None
    locator = str(locator).rstrip()
    if not locator:
        return None
    return locator + str(cite.get('label') or '')


def assign_positions(clusters: Sequence[Sequence[Cite]], notes: Sequence[int],
                     near_note_distance: int = DEFAULT_NEAR_NOTE_DISTANCE,
                     ) -> list[list[CitePosition]]:
    """Positions of the cites of ``clusters`` (in document order, each cluster's cites
    in their rendered order), the clusters being in the notes ``notes`` (0: in the text)."""
    out: list[list[CitePosition]] = [[FIRST_POSITION] * len(c) for c in clusters]
    in_text = [i for i, note in enumerate(notes) if not note]
    in_notes = [i for i, note in enumerate(notes) if note]
    cites_in_note: dict[int, int] = {}
    for sequence in (in_text, in_notes):
        first_ref: dict[str, int] = {}
        last_ref: dict[str, int] = {}
        for j, index in enumerate(sequence):
            note = notes[index]
            cites = clusters[index]
            prev = sequence[j - 1] if j else None
            if prev is not None and note and notes[prev] > note:
                # note numbers restart: a new sequence of notes
                cites_in_note, first_ref, last_ref = {}, {}, {}
            cites_in_note[note] = cites_in_note.get(note, 0) + len(cites)
            for k, cite in enumerate(cites):
                out[index][k] = _position(cite, k, cites, note, prev, clusters, notes,
                                          cites_in_note, first_ref, last_ref,
                                          near_note_distance)
    return out


def _position(cite: Cite, k: int, cites: Sequence[Cite], note: int, prev: int | None,
              clusters, notes, cites_in_note, first_ref, last_ref,
              near_note_distance: int) -> CitePosition:
    key = cite.key
    if key not in last_ref:
        first_ref[key] = last_ref[key] = note
        return FIRST_POSITION
    before = None  # the cite this one may be "ibid" to
    if prev is not None and k == 0 and notes[prev] != note:
        # first cite of the cluster, previous cluster in another note: that note
        # must be this one's predecessor and cite only this item
        prev_cites = clusters[prev]
        if (prev_cites and prev_cites[0].key == key and notes[prev] >= note - 1
                and (cites_in_note.get(notes[prev]) == 1 or notes[prev] == 0)):
            before = prev_cites[0]
    elif k > 0 and cites[k - 1].key == key:
        before = cites[k - 1]
    elif (k == 0 and prev is not None and notes[prev] == note and clusters[prev]
          and clusters[prev][-1].key == key):
        # clusters in one note (or in the text) continue each other.  citeproc-js
        # compares the locator with the *first* cite of the previous cluster here.
        before = clusters[prev][0]
    position = SUBSEQUENT
    if before is not None:
        previous, current = before.locator, cite.locator
        if not previous:
            position = IBID_WITH_LOCATOR if current else IBID
        elif current:
            position = IBID if current == previous else IBID_WITH_LOCATOR
        # a cite without locator after one with a locator: subsequent
    first = first_ref[key]
    near = False
    if note:
        near = note - last_ref[key] <= near_note_distance
        last_ref[key] = note
    else:
        near = True
    return CitePosition(position, near, first if first != note else None)


# --- clusters as given by callers --------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Cluster:
    """One citation cluster: its cites (dicts) and its note number (None: not given)."""

    cites: list[dict]
    note: int | None = None


def read_clusters(clusters: Any) -> list[Cluster]:
    """Check caller clusters and return them as :class:`Cluster` objects.

    A cluster is a list of cites, or an object ``{"cites": [...], "note": N}`` (N: the
    number of the footnote the cluster is in, 0 for the running text; "label" may
    name the cluster and is ignored).  A cite is an object with "id" and optionally
    "locator", "label", "prefix", "suffix" (other keys, e.g. a precomputed "position",
    are ignored: positions are computed).  Anything else raises ValueError with a
    message that says which cluster and cite is wrong.
    """
    if isinstance(clusters, (str, bytes, Mapping)) or not isinstance(clusters, Sequence):
        raise ValueError(f'clusters must be a list of clusters, not {_kind(clusters)}')  # noqa: TRY004
    out = []
    for number, cluster in enumerate(clusters, start=1):
        where = f'cluster {number}'
        note = None
        if isinstance(cluster, Mapping):
            unknown = sorted(str(k) for k in cluster if k not in CLUSTER_KEYS)
            if unknown:
                raise ValueError(f'{where}: unknown key {", ".join(map(repr, unknown))} '
                                 f'(a cluster object has "cites" and optionally "note")')
            if 'cites' not in cluster:
                raise ValueError(f'{where}: a cluster object needs "cites" (a list of cites)')
            cites = cluster['cites']
            if 'note' in cluster and cluster['note'] is not None:
                note = cluster['note']
                if isinstance(note, bool) or not isinstance(note, int) or note < 0:
                    raise ValueError(f'{where}: "note" must be a note number (an integer, '
                                     f'0 for the running text), not {note!r}')
        else:
            cites = cluster
        if isinstance(cites, (str, bytes, Mapping)) or not isinstance(cites, Sequence):
            raise ValueError(f'{where}: cites must be a list of cites like {{"id": "key"}}, '  # noqa: TRY004
                             f'not {_kind(cites)}')
        if not cites:
            raise ValueError(f'{where} has no cites')
        checked = []
        for cite_number, cite in enumerate(cites, start=1):
            checked.append(_read_cite(cite, f'{where}, cite {cite_number}'))
        out.append(Cluster(checked, note))
    return out


def _read_cite(cite: Any, where: str) -> dict:
    if not isinstance(cite, Mapping):
        raise ValueError(f'{where}: a cite must be an object like {{"id": "key"}}, '  # noqa: TRY004
                         f'not {_kind(cite)}')
    cid = cite.get('id')
    if isinstance(cid, bool) or not isinstance(cid, (str, int)) or cid == '':
        raise ValueError(f'{where}: a cite needs an "id" (the key of a record)')
    for key in ('label', 'prefix', 'suffix'):
        value = cite.get(key)
        if value is not None and not isinstance(value, str):
            raise ValueError(f'{where}: "{key}" must be a string, not {_kind(value)}')
    locator = cite.get('locator')
    if locator is not None and (isinstance(locator, bool)
                                or not isinstance(locator, (str, int, float))):
        raise ValueError(f'{where}: "locator" must be a string or number, not {_kind(locator)}')
    return dict(cite)


def _kind(value: Any) -> str:
    if value is None:
        return 'null'
    if isinstance(value, Mapping):
        return 'an object'
    if isinstance(value, str):
        return f'a string ({value[:40]!r})'
    if isinstance(value, bool):
        return 'a boolean'
    if isinstance(value, (int, float)):
        return f'a number ({value!r})'
    if isinstance(value, Sequence):
        return 'a list'
    return type(value).__name__
