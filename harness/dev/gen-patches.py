#!/usr/bin/env python3
"""Regenerate patches/*.patch from a list of edits to pristine 6.1 files.

Each patch is a mail header plus the edits (old text -> new text, each
matching exactly once) it makes; edits apply cumulatively in series order.
Run from the repository root after harness/source.sh.
"""
import difflib, os, sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PRISTINE = os.path.join(ROOT, 'build/src/linux-source-6.1')
ID = 'AutoNUMA Team <autonuma-dev@example.org>'

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from edits import PATCHES  # noqa: E402

state = {}


def content(path):
    if path not in state:
        with open(os.path.join(PRISTINE, path)) as f:
            state[path] = f.read()
    return state[path]


def funcname(lines, idx):
    for i in range(idx, -1, -1):
        l = lines[i]
        if l[:1].isalpha() or l[:1] in '_$':
            return ' ' + l.rstrip('\n')[:40].rstrip()
    return ''


def udiff(path, old, new):
    a, b = old.splitlines(True), new.splitlines(True)
    out = ['diff --git a/%s b/%s\n' % (path, path), '--- a/%s\n' % path, '+++ b/%s\n' % path]
    sm = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for group in sm.get_grouped_opcodes(3):
        i1, i2, j1, j2 = group[0][1], group[-1][2], group[0][3], group[-1][4]
        fn = funcname(a, i1 - 1) if i1 > 0 else ''
        out.append('@@ -%d,%d +%d,%d @@%s\n' % (i1 + 1, i2 - i1, j1 + 1, j2 - j1, fn))
        for tag, x1, x2, y1, y2 in group:
            if tag == 'equal':
                out += [' ' + l for l in a[x1:x2]]
            else:
                out += ['-' + l for l in a[x1:x2]]
                out += ['+' + l for l in b[y1:y2]]
    return ''.join(out)


for old in os.listdir(os.path.join(ROOT, 'patches')):
    if old.endswith('.patch') and old not in [p[0] for p in PATCHES]:
        os.remove(os.path.join(ROOT, 'patches', old))

for name, subject, body, edits in PATCHES:
    before = {}
    for path, old, new in edits:
        s = content(path)
        before.setdefault(path, s)
        n = s.count(old)
        if n != 1:
            sys.exit('%s: %s: edit matches %d times:\n%s' % (name, path, n, old))
        state[path] = s.replace(old, new)
    diff = ''.join(udiff(p, before[p], state[p]) for p in sorted(before))
    msg = 'From: %s\nSubject: [PATCH] %s\n\n%s\nSigned-off-by: %s\n---\n%s' % (
        ID, subject, body.strip('\n') + '\n', ID, diff)
    with open(os.path.join(ROOT, 'patches', name), 'w') as f:
        f.write(msg)
    print(name)
