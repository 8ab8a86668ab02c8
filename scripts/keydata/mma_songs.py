#!/usr/bin/env python3
"""Key-labelled accompaniment songs for Debian's mma (Musical MIDI Accompaniment): the train/test design.

usage: mma_songs.py train|test [--seed N] [--count N] [--grooves-dir DIR]
Prints one line per song: '<id>\t<key>\t<groove>\t<tempo>\t<chords, one per bar, space separated>\t<phrases>'
(the phrases the song strings together, in roman numerals, separated by '|').

A song is a chord progression that is unambiguous in its key: phrases of diatonic chords (major: the major scale;
minor: natural minor plus the raised 7th of harmonic minor, so V and V7 are major, with a leading tone), every
song starting with a tonic phrase and most phrases closing with a cadence. It is played by one of mma's library
grooves (drums, bass, chords, sometimes arpeggios and sustained voices) at a seeded random tempo (70-160 bpm).
Train and test are disjoint in BOTH grooves (a quarter of the library files, with all their variants, are held
out) and phrases (a third of each mode's phrases are held out). Keys cycle through all 24 in order, so each split
is balanced in mode and tonic. Deterministic given --seed (default 1).
"""
import hashlib
import os
import random
import re
import sys

import deps

PC_NAMES = ['C', 'C#', 'D', 'Eb', 'E', 'F', 'F#', 'G', 'Ab', 'A', 'Bb', 'B']
GROOVES_DIR = '/usr/share/mma/lib/stdlib'
# library files left out: click tracks, the empty groove, and drum-only or silent-start grooves
SKIP_FILES = {'metronome', 'metronome3', 'metronome6', 'metronome68', 'none'}

# Scale-degree chords: (semitones above the tonic, mma chord suffix).
MAJOR = {'I': (0, ''), 'Imaj7': (0, 'M7'), 'ii': (2, 'm'), 'ii7': (2, 'm7'), 'iii': (4, 'm'), 'iii7': (4, 'm7'),
         'IV': (5, ''), 'IVmaj7': (5, 'M7'), 'V': (7, ''), 'V7': (7, '7'), 'vi': (9, 'm'), 'vi7': (9, 'm7'),
         'viiø7': (11, 'm7b5')}
MINOR = {'i': (0, 'm'), 'i7': (0, 'm7'), 'iiø7': (2, 'm7b5'), 'III': (3, ''), 'IIImaj7': (3, 'M7'),
         'iv': (5, 'm'), 'iv7': (5, 'm7'), 'V': (7, ''), 'V7': (7, '7'), 'VI': (8, ''), 'VImaj7': (8, 'M7'),
         'VII': (10, ''), 'vii°7': (11, 'dim7')}
MAJOR_PHRASES = [
    'I IV V I', 'I vi IV V', 'I V vi IV', 'ii7 V7 Imaj7 Imaj7', 'I vi ii V7', 'I IV I V7', 'I iii IV V',
    'IV V I I', 'I I IV V7', 'Imaj7 vi7 ii7 V7', 'I IV vi V', 'I V IV V', 'vi IV I V', 'I ii iii IV V I',
    'IV I V I', 'I IV ii V7', 'IVmaj7 iii7 ii7 I', 'I vi iii IV ii V7 I I', 'I viiø7 iii vi ii V I I',
    'Imaj7 IVmaj7 iii7 vi7 ii7 V7 I I']
MINOR_PHRASES = [
    'i iv V i', 'i VI iv V', 'iiø7 V7 i i', 'i iv i V7', 'i VII VI V', 'i III iv V', 'iv V i i', 'i i iv V7',
    'i VI iiø7 V7', 'VI V i i', 'i V i V7', 'i vii°7 i V', 'i iv VI V', 'i7 iv7 V7 i', 'i VI III VII i iv V i',
    'i iv VII III VI iiø7 V7 i', 'VImaj7 iv7 V7 i', 'i III VI iv V7 i', 'i iv V VI iv V7 i i', 'i VI V V']


def degrees(mode):
    return MAJOR if mode == 'major' else MINOR


def tonic_chord(mode):
    return 'I' if mode == 'major' else 'i'


def library_grooves(grooves_dir=GROOVES_DIR):
    """{library file: [groove names]} of playable grooves (no intros, endings, fills), sorted."""
    out = {}
    for f in sorted(os.listdir(grooves_dir)):
        if not f.endswith('.mma') or f[:-4] in SKIP_FILES:
            continue
        text = open(os.path.join(grooves_dir, f), errors='ignore').read()
        names = [n for n in re.findall(r'^\s*DefGroove\s+(\S+)', text, re.M | re.I)
                 if not re.search(r'intro|end|fill|metronome', n, re.I)]
        if names:
            out[f[:-4]] = sorted(set(names))
    return out


def split_items(items, test_fraction, rng):
    items = sorted(items)
    test = set(rng.sample(items, max(1, round(len(items) * test_fraction))))
    return [i for i in items if i not in test], sorted(test)


def design(seed=1, grooves_dir=GROOVES_DIR):
    """{'train'|'test': {'grooves': {file: [names]}, 'major': [phrases], 'minor': [phrases]}}."""
    rng = random.Random(seed)
    lib = library_grooves(grooves_dir)
    train_files, test_files = split_items(lib, 0.25, rng)
    parts = {'train': {'grooves': {f: lib[f] for f in train_files}},
             'test': {'grooves': {f: lib[f] for f in test_files}}}
    for mode, phrases in (('major', MAJOR_PHRASES), ('minor', MINOR_PHRASES)):
        tonic = tonic_chord(mode)
        while True:  # each side needs phrases that open on the tonic, to start songs with
            train, test = split_items(phrases, 1 / 3, rng)
            if all(sum(p.split()[0] == tonic for p in side) >= 3 for side in (train, test)):
                break
        parts['train'][mode], parts['test'][mode] = train, test
    return parts


def chord_name(tonic_pc, mode, numeral):
    offset, suffix = degrees(mode)[numeral]
    return PC_NAMES[(tonic_pc + offset) % 12] + suffix


def songs(which, seed=1, count=None, grooves_dir=GROOVES_DIR):
    """[(id, key, groove, tempo, [chord per bar], [phrases used, in numerals])] for one split: count songs (default 480 train, 96 test)."""
    part = design(seed, grooves_dir)[which]
    count = count or (480 if which == 'train' else 96)
    files = sorted(part['grooves'])
    out = []
    for i in range(count):
        rng = random.Random(f'{seed}:{which}:{i}')
        tonic_pc, mode = (i // 2) % 12, ('major', 'minor')[i % 2]
        groove_file = rng.choice(files)
        groove = rng.choice(part['grooves'][groove_file])
        tempo = rng.randint(70, 160)
        bars_per_chord = 2 if tempo > 130 and rng.random() < 0.5 else 1
        # enough bars for 32 s even in 2/4
        beats_needed = 32 * tempo / 60
        bars, used = [], []
        tonic = tonic_chord(mode)
        phrase = rng.choice([p for p in part[mode] if p.split()[0] == tonic])
        while len(bars) * 2 < beats_needed:
            for numeral in phrase.split():
                bars += [chord_name(tonic_pc, mode, numeral)] * bars_per_chord
            used.append(phrase)
            phrase = rng.choice(part[mode])
        out.append((f'{which}{i:04d}-{groove_file}', f'{PC_NAMES[tonic_pc]} {mode}', groove, tempo, bars, used))
    return out


def mma_text(song_id, groove, tempo, bars):
    """The .mma source of one song; RndSeed fixes mma's humanising randomness (timing, velocity, skipped notes)."""
    seed = int(hashlib.sha256(song_id.encode()).hexdigest()[:8], 16)
    lines = [f'RndSeed {seed}', f'Tempo {tempo}', f'Groove {groove}']
    lines += [f'{n + 1} {chord}' for n, chord in enumerate(bars)]
    return '\n'.join(lines) + '\n'


def main(argv):
    args = list(argv)
    seed, count, gdir = 1, None, GROOVES_DIR
    for name in ('--seed', '--count', '--grooves-dir'):
        if name in args:
            i = args.index(name)
            value = args[i + 1]
            del args[i:i + 2]
            if name == '--seed':
                seed = int(value)
            elif name == '--count':
                count = int(value)
            else:
                gdir = value
    if gdir == GROOVES_DIR:
        deps.require(deps.MMA)
    if len(args) != 1 or args[0] not in ('train', 'test') or not os.path.isdir(gdir):
        print('usage: mma_songs.py train|test [--seed N] [--count N] [--grooves-dir DIR]', file=sys.stderr)
        return 2
    for sid, key, groove, tempo, bars, phrases in songs(args[0], seed, count, gdir):
        print(f'{sid}\t{key}\t{groove}\t{tempo}\t{" ".join(bars)}\t{"|".join(phrases)}')
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
