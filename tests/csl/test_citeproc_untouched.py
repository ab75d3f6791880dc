"""exporter never changes citeproc-py (issue 11): no assignment to its modules or classes.

Two checks:

* statically, over every module of exporter/ (AST): no attribute assignment, ``del``,
  ``setattr``/``delattr`` or in-place mutation (``append``, ``setdefault`` ...) whose
  target is reached from a name bound to citeproc-py (``import citeproc...``,
  ``from citeproc... import ...``), also through a loop over such names;
* at run time, in a fresh interpreter: every attribute of every citeproc-py module and
  class (and the contents of its module-level lists and dicts) is the same object with
  the same contents before and after importing exporter and rendering with it.
"""
from __future__ import annotations

import ast
import subprocess
import sys
import textwrap
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
MUTATORS = frozenset({'append', 'extend', 'insert', 'update', 'setdefault', 'pop',
                      'popitem', 'clear', 'remove', 'discard', 'add', '__setitem__',
                      '__delitem__', '__setattr__', '__delattr__'})


def _citeproc_names(tree: ast.AST) -> set[str]:
    """Names a module binds to citeproc-py modules or objects."""
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name == 'citeproc' or alias.name.startswith('citeproc.'):
                    names.add(alias.asname or alias.name.split('.')[0])
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module and (
                node.module == 'citeproc' or node.module.startswith('citeproc.')):
            names.update(alias.asname or alias.name for alias in node.names)
    # loop variables over citeproc objects: for cls in (model.Text, model.Names): ...
    changed = True
    while changed:
        changed = False
        for node in ast.walk(tree):
            if (isinstance(node, (ast.For, ast.comprehension)) and isinstance(node.target, ast.Name)
                    and node.target.id not in names
                    and any(_root(elt) in names for elt in ast.walk(node.iter)
                            if isinstance(elt, (ast.Name, ast.Attribute)))):
                names.add(node.target.id)
                changed = True
            elif (isinstance(node, ast.Assign) and len(node.targets) == 1
                  and isinstance(node.targets[0], ast.Name) and node.targets[0].id not in names
                  and isinstance(node.value, (ast.Name, ast.Attribute))
                  and _root(node.value) in names):
                # an alias of a citeproc module or class: _MixedString = _string.MixedString
                names.add(node.targets[0].id)
                changed = True
    return names


def _root(node: ast.AST) -> str | None:
    while isinstance(node, (ast.Attribute, ast.Subscript)):
        node = node.value
    return node.id if isinstance(node, ast.Name) else None


def citeproc_mutations(source: str, filename: str = '<string>') -> list[str]:
    """'file:line: what' for each statement that changes a citeproc-py object."""
    tree = ast.parse(source, filename)
    bound = _citeproc_names(tree)
    found: list[tuple[int, str]] = []

    def report(node: ast.AST, what: str) -> None:
        found.append((node.lineno, f'{filename}:{node.lineno}: {what}'))

    for node in ast.walk(tree):
        targets: list[ast.AST] = []
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, (ast.AugAssign, ast.AnnAssign)):
            targets = [node.target]
        elif isinstance(node, ast.Delete):
            targets = node.targets
        while targets:
            target = targets.pop()
            if isinstance(target, (ast.Tuple, ast.List)):
                targets.extend(target.elts)
            elif isinstance(target, (ast.Attribute, ast.Subscript)) and _root(target) in bound:
                report(node, f'assigns {ast.unparse(target)}')
        if isinstance(node, ast.Call):
            func = node.func
            if (isinstance(func, ast.Name) and func.id in ('setattr', 'delattr') and node.args
                    and _root(node.args[0]) in bound):
                report(node, f'{func.id}({ast.unparse(node.args[0])}, ...)')
            elif (isinstance(func, ast.Attribute) and func.attr in MUTATORS
                  and isinstance(func.value, ast.Attribute) and _root(func.value) in bound):
                report(node, f'mutates {ast.unparse(func.value)}')
    return [line for _, line in sorted(found)]


def test_the_checker_finds_the_ways_of_patching():
    source = textwrap.dedent('''
        import citeproc
        import citeproc.string as cs
        from citeproc import model
        from citeproc.source import CitationItem
        model.Text.render = f
        cs.normalize_seam = g
        CitationItem.number = property(h)
        setattr(model.If, '_type', k)
        citeproc.NAMES.append('compiler')
        model.CitationStylesElement._default_options.setdefault('initialize', 'true')
        for cls in (model.Text, model.Names):
            cls.render = wrap(cls.render)
        Alias = cs.MixedString
        Alias.__add__ = add
        del model.Text.markup
    ''')
    found = citeproc_mutations(source)
    assert [line.split(': ', 1)[1] for line in found] == [
        'assigns model.Text.render', 'assigns cs.normalize_seam',
        'assigns CitationItem.number', "setattr(model.If, ...)",
        'mutates citeproc.NAMES', 'mutates model.CitationStylesElement._default_options',
        'assigns cls.render', 'assigns Alias.__add__', 'assigns model.Text.markup'], found


def test_the_checker_lets_own_subclasses_and_instances_be():
    source = textwrap.dedent('''
        from citeproc import model
        from citeproc.source import CitationItem
        class Item(CitationItem):
            number = 1
        Item.other = 2
        item = Item('x')
        item.__dict__['reference'] = None
        style.root.formatter = formatter
        text = model.Text.render
    ''')
    assert citeproc_mutations(source) == []


def test_no_module_of_exporter_changes_citeproc():
    found = []
    for path in sorted((REPO / 'exporter').rglob('*.py')):
        found += citeproc_mutations(path.read_text(encoding='utf-8'),
                                    str(path.relative_to(REPO)))
    assert found == [], '\n'.join(found)


SNAPSHOT = r'''
import inspect, json, sys, types
import citeproc, citeproc.frontend, citeproc.model, citeproc.string, citeproc.formatter
import citeproc.formatter.html, citeproc.formatter.plain, citeproc.formatter.rst
import citeproc.source, citeproc.source.json, citeproc.source.bibtex

def snapshot():
    state = {}
    for name, module in sorted(sys.modules.items()):
        if not (name == 'citeproc' or name.startswith('citeproc.')) or module is None:
            continue
        for attr, value in sorted(vars(module).items()):
            if attr == '__warningregistry__':  # written by the warnings module
                continue
            state[f'{name}.{attr}'] = (id(value), repr(value) if isinstance(value, (list, dict, set, tuple, str, int)) else '')
            if inspect.isclass(value) and value.__module__ == name:
                for key, member in sorted(vars(value).items()):
                    if key in ('__dict__', '__weakref__', '__doc__', '__warningregistry__'):
                        continue
                    state[f'{name}.{attr}.{key}'] = (id(member), repr(member) if isinstance(member, (list, dict, set, tuple, str, int)) else '')
    return state

before = snapshot()
import exporter.csl
proc = exporter.csl.CitationProcessor('ieee', markup='html')
items = [{'id': 'a', 'type': 'book', 'title': 'A title', 'compiler': [{'family': 'Doe', 'given': 'J.'}],
          'author': [{'family': 'Roe', 'given': 'R.'}], 'issued': {'date-parts': [[2001, 3, 3]]}}]
proc.bibliography(items)
proc.citations(items, [[{'id': 'a', 'locator': '3'}]])
after = snapshot()
changed = sorted(key for key in set(before) | set(after) if before.get(key) != after.get(key))
print(json.dumps(changed))
'''


def test_importing_and_rendering_leaves_citeproc_as_it_was():
    out = subprocess.run([sys.executable, '-c', SNAPSHOT], check=False, capture_output=True, text=True,
                         cwd=REPO, timeout=300)
    assert out.returncode == 0, out.stderr
    changed = __import__('json').loads(out.stdout.strip().splitlines()[-1])
    assert changed == [], changed
