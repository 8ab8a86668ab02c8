#!/usr/bin/env python3
"""The one train/test split of the Nottingham folk tunes for key estimation, with a key label per tune.

usage: nottingham_split.py NOTTINGHAM_DIR [--seed N] [--test-size N] [--exclude-modal] [--why]
Prints one line per kept tune: '<split>\t<id>\t<key>' (split = train | test, id = MIDI name without .mid,
key such as 'F# minor'), then counts on stderr. --why prints every excluded tune and its reason to stderr.

Rules (each is checked; a tune failing any of them is excluded from both splits):
  1. The ABC tune (X: n in abc/<book>.abc) has exactly one K: field (a second K: in the body = key change).
  2. K: names a plain key: tonic + optional 'm' (Nottingham's cleaned ABC uses no mode names; 'Am' = A minor).
  3. <book><n>.mid exists and every key-signature meta event in it is the same (no key change in the MIDI either),
     and that key signature agrees with K: (same number of sharps/flats, same major/minor flag).
  4. The tune is tonal in the labelled key, not modal under a borrowed key signature (e.g. A Dorian or
     D Mixolydian written with K:G): its FINAL chord symbol is the tonic triad of the label (root = tonic,
     minor quality for a minor key, major quality for a major key; sevenths/inversions of the tonic are allowed).
  5. Duplicates: tunes whose note content (pitch, onset, channel of every note-on, all tracks) is identical are
     one tune; only the first (sorted id) is kept.
Test split: the 30 tunes bench/tonal/nottingham_pick.py picks (seed 1; kept only if they pass the rules above),
plus seeded picks (--seed, default 6) from the rest until --test-size (default 100) tunes, taking every remaining
minor tune first (there are few) and then major tunes. Train: all other kept tunes.
--exclude-modal then drops, from both splits, tunes whose melody is Dorian or Mixolydian under a plain minor/major
K: (see modal_reason; 11 test and 11 train tunes): the strict subsets, which are subsets of the default splits.
"""
import hashlib
import os
import random
import re
import struct
import sys

import midifile

NAMES = {'C': 0, 'D': 2, 'E': 4, 'F': 5, 'G': 7, 'A': 9, 'B': 11}
PC_NAMES = ['C', 'C#', 'D', 'Eb', 'E', 'F', 'F#', 'G', 'Ab', 'A', 'Bb', 'B']
# sharps(+)/flats(-) of the major key on each pitch class (the spelling Nottingham uses: Bb, Eb, F#, ...)
MAJOR_SF = {0: 0, 7: 1, 2: 2, 9: 3, 4: 4, 11: 5, 6: 6, 5: -1, 10: -2, 3: -3, 8: -4, 1: -5}


def pitch_class(letter, accidental):
    return (NAMES[letter] + {'#': 1, 'b': -1, '': 0}[accidental]) % 12


def parse_abc_tunes(nott):
    """Yields (id, header K: values, body K: values, chord symbols) for every X: tune in abc/*.abc."""
    for abc in sorted(os.listdir(os.path.join(nott, 'abc'))):
        if not abc.endswith('.abc'):
            continue
        book = abc[:-4]
        text = open(os.path.join(nott, 'abc', abc), errors='ignore').read()
        for m in re.finditer(r'^X:\s*(\d+)(.*?)(?=^X:|\Z)', text, re.S | re.M):
            keys = re.findall(r'^K:\s*(.*?)\s*$', m.group(2), re.M)
            body = m.group(2).split('\nK:', 1)[1] if '\nK:' in m.group(2) else ''
            body = body.split('\n', 1)[1] if '\n' in body else ''
            chords = re.findall(r'"([A-G][#b]?[^"]*)"', body)
            yield f'{book}{m.group(1)}', keys, chords


def key_from_field(value):
    """'Am' -> (9, 'minor'); 'D' -> (2, 'major'); None for anything else (modes, 'none', ...)."""
    k = re.fullmatch(r'([A-G])([#b]?)(m|min|minor|maj|major)?', value.strip())
    if not k:
        return None
    mode = 'minor' if k.group(3) in ('m', 'min', 'minor') else 'major'
    return pitch_class(k.group(1), k.group(2)), mode


def chord_triad(symbol):
    """'F#m7/a' -> (6, 'minor'); 'Cd' -> (0, 'dim'); 'Ca' -> (0, 'aug'); None if unparsable."""
    c = re.match(r'([A-G])([#b]?)(m(?!aj)|d|a)?', symbol)
    if not c:
        return None
    quality = {'m': 'minor', 'd': 'dim', 'a': 'aug', None: 'major'}[c.group(3)]
    return pitch_class(c.group(1), c.group(2)), quality


def midi_facts(path):
    """(set of key signatures (sharps, minor flag), note-content hash)."""
    _, _, tracks = midifile.read(path)
    keysigs, notes = set(), []
    for t, events in enumerate(tracks):
        for tick, status, payload in events:
            if status == 0xFF and payload[0] == 0x59:
                keysigs.add((struct.unpack('b', payload[1:2])[0], payload[2]))
            elif status & 0xF0 == 0x90 and payload[1] > 0:
                notes.append((t, tick, status & 0x0F, payload[0]))
    return keysigs, hashlib.sha1(repr(sorted(notes)).encode()).hexdigest()


def expected_keysig(pc, mode):
    return (MAJOR_SF[(pc + 3) % 12 if mode == 'minor' else pc], 1 if mode == 'minor' else 0)


def kept_tunes(nott, why=None):
    """[(id, 'C# minor')] of every tune passing rules 1-5, sorted by id."""
    kept, seen = [], {}
    for tid, keys, chords in sorted(parse_abc_tunes(nott)):
        reason = None
        key = key_from_field(keys[0]) if keys else None
        mid = os.path.join(nott, tid + '.mid')
        if len(keys) != 1:
            reason = f'{len(keys)} K: fields'
        elif key is None:
            reason = f'K:{keys[0]} is not a plain major/minor key'
        elif not os.path.exists(mid):
            reason = 'no MIDI'
        else:
            keysigs, digest = midi_facts(mid)
            final = chord_triad(chords[-1]) if chords else None
            if keysigs != {expected_keysig(*key)}:
                reason = f'MIDI key signatures {sorted(keysigs)} != K:{keys[0]}'
            elif final != key:
                reason = f'final chord {chords[-1] if chords else None} is not the tonic triad of K:{keys[0]}'
            elif digest in seen:
                reason = f'same notes as {seen[digest]}'
            else:
                seen[digest] = tid
        if reason:
            if why:
                why(f'{tid}\t{reason}')
            continue
        kept.append((tid, f'{PC_NAMES[key[0]]} {key[1]}'))
    return kept


def modal_reason(nott, tid, key):
    """Why the tune's melody looks modal rather than major/minor in `key` ('C# minor'), or None: a minor tune whose
    melody uses the major 6th more often than the minor 6th (Dorian), or a major tune whose melody uses the minor 7th
    more often than the leading tone (Mixolydian). Nottingham writes such tunes with plain minor/major K: fields."""
    tonic, mode = key.split()
    tonic = PC_NAMES.index(tonic)
    _, _, tracks = midifile.read(os.path.join(nott, tid + '.mid'))
    count = [0] * 12
    for _, status, payload in tracks[0]:  # track 0 is the melody (the melody/ stems hold the same notes)
        if status < 0xF0 and status & 0xF0 == 0x90 and payload[1] > 0:
            count[(payload[0] - tonic) % 12] += 1
    if mode == 'minor' and count[9] > count[8]:
        return f'Dorian: major 6th {count[9]} times, minor 6th {count[8]}'
    if mode == 'major' and count[10] > count[11]:
        return f'Mixolydian: minor 7th {count[10]} times, major 7th {count[11]}'
    return None


def bench_pick_ids(nott):
    """The 30 ids bench/tonal/nottingham_pick.py picks (seed 1), recomputed here exactly as it does."""
    out = []
    for abc in sorted(os.listdir(nott + '/abc')):
        base = abc[:-4]
        txt = open(nott + '/abc/' + abc, errors='ignore').read()
        for m in re.finditer(r'^X:\s*(\d+)(.*?)(?=^X:|\Z)', txt, re.S | re.M):
            x, body = m.group(1), m.group(2)
            k = re.search(r'^K:\s*([A-G])([#b]?)\s*(m|min|maj|major|minor)?\s*$', body, re.M)
            if not k:
                continue
            mode = 'minor' if (k.group(3) or '').startswith('m') and k.group(3) not in ('maj', 'major') else 'major'
            if os.path.exists(f'{nott}/{base}{x}.mid'):
                out.append((f'{base}{x}', mode))
    rng = random.Random(1)
    minor = [o for o in out if o[1] == 'minor']
    major = [o for o in out if o[1] == 'major']
    # nottingham_pick.py seeds the global generator with random.seed(1) and samples minor then major
    return [o[0] for o in rng.sample(minor, min(15, len(minor))) + rng.sample(major, 15)]


def split(nott, seed=6, test_size=100, why=None):
    """{'train': [(id, key)], 'test': [(id, key)]}, each sorted by id."""
    kept = kept_tunes(nott, why)
    label = dict(kept)
    bench = [t for t in bench_pick_ids(nott) if t in label]
    if why:
        for t in bench_pick_ids(nott):
            if t not in label:
                why(f'{t}\tin the 30-tune bench set but excluded by the rules above')
    test = set(bench)
    rng = random.Random(seed)
    rest_minor = [t for t, k in kept if t not in test and k.endswith('minor')]
    rest_major = [t for t, k in kept if t not in test and k.endswith('major')]
    n_minor_test = sum(1 for t in test if label[t].endswith('minor'))
    # as many minor tunes as possible in test while leaving train at least a third of them
    take_minor = min(len(rest_minor), max(0, test_size // 2 - n_minor_test), (len(rest_minor) * 2) // 3)
    test.update(rng.sample(rest_minor, take_minor))
    test.update(rng.sample(rest_major, max(0, test_size - len(test))))
    return {'train': [(t, label[t]) for t in sorted(label) if t not in test],
            'test': [(t, label[t]) for t in sorted(test)]}


def strict(nott, parts, why=None):
    """parts without the tunes modal_reason flags (the rest of each split unchanged)."""
    out = {}
    for name, tunes in parts.items():
        out[name] = []
        for tid, key in tunes:
            reason = modal_reason(nott, tid, key)
            if reason is None:
                out[name].append((tid, key))
            elif why:
                why(f'{tid}\t{reason} (--exclude-modal)')
    return out


def main(argv):
    args = list(argv)
    seed, test_size, why = 6, 100, None
    if '--seed' in args:
        i = args.index('--seed'); seed = int(args[i + 1]); del args[i:i + 2]
    if '--test-size' in args:
        i = args.index('--test-size'); test_size = int(args[i + 1]); del args[i:i + 2]
    exclude_modal = '--exclude-modal' in args
    if exclude_modal:
        args.remove('--exclude-modal')
    if '--why' in args:
        args.remove('--why'); why = lambda s: print('excluded\t' + s, file=sys.stderr)
    if len(args) != 1 or not os.path.isdir(os.path.join(args[0], 'abc')):
        print('usage: nottingham_split.py NOTTINGHAM_DIR [--seed N] [--test-size N] [--exclude-modal] [--why]',
              file=sys.stderr)
        return 2
    parts = split(args[0], seed, test_size, why)
    if exclude_modal:
        parts = strict(args[0], parts, why)
    for name in ('train', 'test'):
        for tid, key in parts[name]:
            print(f'{name}\t{tid}\t{key}')
    for name in ('train', 'test'):
        minor = sum(1 for _, k in parts[name] if k.endswith('minor'))
        print(f'{name}: {len(parts[name])} tunes ({minor} minor, {len(parts[name]) - minor} major)', file=sys.stderr)
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
