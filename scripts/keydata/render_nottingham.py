#!/usr/bin/env python3
"""Renders one split of the Nottingham tunes (nottingham_split.py) to a key dataset: OUT/audio/<id>.wav (mono
22050 Hz) and OUT/key/<id>.key ('F# minor').

usage: render_nottingham.py NOTTINGHAM_DIR train|test|test-varied OUT [--seed N] [--shard I/N] [--minor-variants K]

test:  each tune as-is, like bench/tonal/render-nottingham.sh: the full MIDI, FluidR3_GM, gain 0.8, first 30 s.
train: every tune once (minor tunes --minor-variants times, default 8, to balance the modes), each clip with its
       own seeded draw of: transposition (-6..+5 semitones; the label moves with it), GM programs for the melody
       and chord tracks, chord/melody balance, tempo factor (0.8-1.25), soundfont, reverb/chorus on/off,
       length (30-45 s from the start, where the key is most certain) and output level (peak -1..-12 dBFS).
test-varied: the test tunes, each once, rendered like train (transposed, other timbres): a held-out set whose
       keys are spread over all 24 instead of the folk keys (D, G, A, E minor, A minor) the tunes are written in.
Deterministic: a clip's draw depends only on --seed and its id, so shards, order and resuming do not change it.
Idempotent: a clip whose .wav and .key both exist is skipped; every file is written to a temporary name and renamed.
"""
import hashlib
import os
import random
import shutil
import subprocess
import sys
import tempfile

import clipio
import deps
import midifile
import nottingham_split

PC_NAMES = nottingham_split.PC_NAMES
FLUID_R3 = '/usr/share/sounds/sf2/FluidR3_GM.sf2'
SOUNDFONTS = [FLUID_R3, '/usr/share/sounds/sf2/MuseScore_General_Full.sf2',
              '/usr/share/sounds/sf2/TimGM6mb.sf2']
# GM programs (0-based) that carry a melody / accompany with chords; percussive, effect and ethnic ones left out
MELODY_PROGRAMS = (list(range(0, 8)) + [11, 12, 13] + list(range(16, 27)) + list(range(40, 42)) +
                   list(range(56, 58)) + list(range(60, 62)) + list(range(64, 76)) + list(range(80, 83)))
CHORD_PROGRAMS = (list(range(0, 8)) + list(range(16, 22)) + list(range(24, 28)) + list(range(48, 53)) +
                  [61] + list(range(88, 92)))


def clip_rng(seed, clip_id):
    return random.Random(int(hashlib.sha256(f'{seed}:{clip_id}'.encode()).hexdigest()[:16], 16))


def shift_key(key, semitones):
    tonic, mode = key.split()
    return f'{PC_NAMES[(PC_NAMES.index(tonic) + semitones) % 12]} {mode}'


def train_clips(tunes, seed, minor_variants):
    """[(clip id, tune id, label, params)] for the train split."""
    clips = []
    for tid, key in tunes:
        n = minor_variants if key.endswith('minor') else 1
        for v in range(n):
            cid = f'{tid}_{v}'
            r = clip_rng(seed, cid)
            p = {
                'transpose': r.randint(-6, 5),
                'programs': [r.choice(MELODY_PROGRAMS), r.choice(CHORD_PROGRAMS)],
                'velocity': [1.0, r.uniform(0.45, 1.0)],
                'tempo': r.uniform(0.8, 1.25),
                'soundfont': r.choice(SOUNDFONTS),
                'reverb': r.random() < 0.6,
                'chorus': r.random() < 0.4,
                'gain': r.uniform(0.5, 0.9),
                'seconds': round(r.uniform(30.0, 45.0), 2),
                'peak_db': round(r.uniform(-12.0, -1.0), 2),
            }
            clips.append((cid, tid, shift_key(key, p['transpose']), p))
    return clips


def render_clip(nott, out, cid, tid, label, p, tmpdir):
    wav = os.path.join(out, 'audio', cid + '.wav')
    key = os.path.join(out, 'key', cid + '.key')
    if os.path.exists(wav) and os.path.exists(key):
        return False
    src = os.path.join(nott, tid + '.mid')
    full = os.path.join(tmpdir, cid + '.full.wav')
    if p is None:  # test: as-is
        clipio.run(['fluidsynth', '-ni', '-g', '0.8', '-r', '22050', '-F', full, FLUID_R3, src])
        sox_tail = ['trim', '0', '30']
    else:
        fmt, division, tracks = midifile.read(src)
        new = midifile.rewrite(tracks, division, programs=p['programs'], transpose=p['transpose'],
                               tempo_factor=p['tempo'], seconds=p['seconds'] + 1.0, velocity=p['velocity'])
        mid = os.path.join(tmpdir, cid + '.mid')
        midifile.write(mid, 1, division, new)
        clipio.run(['fluidsynth', '-ni', '-g', f"{p['gain']:.3f}", '-r', '22050',
             '-R', '1' if p['reverb'] else '0', '-C', '1' if p['chorus'] else '0',
             '-F', full, p['soundfont'], mid])
        sox_tail = ['trim', '0', f"{p['seconds']}", 'gain', '-n', f"{p['peak_db']}"]
    clipio.finish_clip(out, cid, full, sox_tail, label, wav, key)
    return True


def main(argv):
    args = list(argv)
    opts = clipio.take_options(args, {'--seed': '1', '--shard': '0/1', '--minor-variants': '8'})
    if len(args) != 3 or args[1] not in ('train', 'test', 'test-varied'):
        print(__doc__.strip().splitlines()[3], file=sys.stderr)
        return 2
    nott, which, out = args
    deps.require(deps.FLUID if which == 'test' else deps.RENDER)
    shard, nshards = (int(x) for x in opts['--shard'].split('/'))
    tunes = nottingham_split.split(nott)['test' if which == 'test-varied' else which]
    if which == 'test':
        clips = [(tid, tid, key, None) for tid, key in tunes]
    elif which == 'test-varied':
        clips = train_clips(tunes, int(opts['--seed']), 1)
    else:
        clips = train_clips(tunes, int(opts['--seed']), int(opts['--minor-variants']))
    os.makedirs(os.path.join(out, 'audio'), exist_ok=True)
    os.makedirs(os.path.join(out, 'key'), exist_ok=True)
    done = 0
    with tempfile.TemporaryDirectory(prefix='keydata-') as tmpdir:
        for i, (cid, tid, label, p) in enumerate(clips):
            if i % nshards != shard:
                continue
            try:
                done += render_clip(nott, out, cid, tid, label, p, tmpdir)
            except (subprocess.CalledProcessError, ValueError) as e:
                print(f'{cid}: render failed ({e})', file=sys.stderr)
    print(f'{out} shard {shard}/{nshards}: rendered {done} new clips of {len(clips)}', file=sys.stderr)
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
