#!/usr/bin/env python3
"""Checks that rendered key sets (render-all.sh OUT) keep training and test material apart by whole source:
no Nottingham tune has a clip in both nottingham-train and a test set (nottingham-test, nottingham-test-varied),
and no mma groove library file or chord phrase is in both mma-train and mma-test. Reads the clips actually on disk
(OUT/SET/key/*.key) and the split scripts' song lists; prints the counts and exits 1 on any overlap.

usage: python3 scripts/keydata/check_rendered_split.py OUT
"""
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def clip_ids(out, name):
    d = os.path.join(out, name, 'key')
    if not os.path.isdir(d):
        return []
    return sorted(f[:-4] for f in os.listdir(d) if f.endswith('.key') and not f.startswith('.'))


def tune_of(clip_id):
    """Nottingham clip ids are '<tune>' (test) or '<tune>_<k>' (train, test-varied)."""
    base, _, k = clip_id.rpartition('_')
    return base if base and k.isdigit() else clip_id


def mma_songs(split):
    rows = subprocess.run([sys.executable, os.path.join(HERE, 'mma_songs.py'), split], check=True,
                          capture_output=True, text=True).stdout.splitlines()
    songs = {}
    for r in rows:
        sid, key, _groove, _tempo, _bars, phrases = r.split('\t')
        mode = key.split()[1]
        songs[sid] = (sid.split('-', 1)[1], {(mode, p) for p in phrases.split('|')})
    return songs


def main(argv):
    if len(argv) != 1:
        print(__doc__.strip().splitlines()[-1], file=sys.stderr)
        return 2
    out = argv[0]
    bad = 0
    train = {tune_of(c) for c in clip_ids(out, 'nottingham-train')}
    for test_set in ('nottingham-test', 'nottingham-test-varied'):
        test = {tune_of(c) for c in clip_ids(out, test_set)}
        both = train & test
        print(f'nottingham-train ({len(train)} tunes) vs {test_set} ({len(test)} tunes): {len(both)} shared'
              + (f' {sorted(both)[:5]}' if both else ''))
        bad += len(both)
    tr_ids, te_ids = clip_ids(out, 'mma-train'), clip_ids(out, 'mma-test')
    if tr_ids or te_ids:
        tr_all, te_all = mma_songs('train'), mma_songs('test')
        unknown = [c for c in tr_ids if c not in tr_all] + [c for c in te_ids if c not in te_all]
        if unknown:
            print(f'mma clips not in their split\'s song list: {unknown[:5]}')
            bad += len(unknown)
        tr = [tr_all[c] for c in tr_ids if c in tr_all]
        te = [te_all[c] for c in te_ids if c in te_all]
        files = {f for f, _ in tr} & {f for f, _ in te}
        phrases = set().union(*(p for _, p in tr)) & set().union(*(p for _, p in te)) if tr and te else set()
        print(f'mma-train ({len(tr)} songs) vs mma-test ({len(te)} songs): {len(files)} shared groove files, '
              f'{len(phrases)} shared phrases')
        bad += len(files) + len(phrases)
    print('disjoint' if bad == 0 else 'OVERLAP')
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
