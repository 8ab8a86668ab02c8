#!/usr/bin/env python3
"""Renders one split of the mma songs (mma_songs.py) to a key dataset: OUT/audio/<id>.wav (mono 22050 Hz, 30 s),
OUT/key/<id>.key ('Bb minor') and OUT/mma/<id>.mma (the arrangement, for reference).

usage: render_mma.py train|test OUT [--seed N] [--count N] [--shard I/N]
Each clip: mma writes the band's MIDI (drums included), fluidsynth plays it with a seeded choice of soundfont
(FluidR3 GM, MuseScore General, TimGM6mb), gain, reverb and chorus; sox mixes to mono, keeps the first 30 s and sets the
peak level (-1..-12 dBFS). Deterministic given --seed; a clip whose .wav and .key exist is skipped; files are
written under temporary names and renamed.
"""
import hashlib
import os
import random
import subprocess
import sys
import tempfile

import clipio
import deps
import midifile
import mma_songs

SOUNDFONTS = ['/usr/share/sounds/sf2/FluidR3_GM.sf2', '/usr/share/sounds/sf2/MuseScore_General_Full.sf2',
              '/usr/share/sounds/sf2/TimGM6mb.sf2']


def render_clip(out, song, seed, tmpdir):
    sid, key, groove, tempo, bars, _ = song
    wav = os.path.join(out, 'audio', sid + '.wav')
    keyfile = os.path.join(out, 'key', sid + '.key')
    if os.path.exists(wav) and os.path.exists(keyfile):
        return False
    r = random.Random(int(hashlib.sha256(f'{seed}:render:{sid}'.encode()).hexdigest()[:16], 16))
    soundfont, gain = r.choice(SOUNDFONTS), r.uniform(0.5, 0.9)
    reverb, chorus, peak_db = r.random() < 0.6, r.random() < 0.4, r.uniform(-12.0, -1.0)
    text = mma_songs.mma_text(sid, groove, tempo, bars)
    src = os.path.join(out, 'mma', sid + '.mma')
    tmp = src + '.part'
    with open(tmp, 'w') as f:
        f.write(text)
    os.replace(tmp, src)
    mid = os.path.join(tmpdir, sid + '.mid')
    full = os.path.join(tmpdir, sid + '.wav')
    clipio.run(['mma', src, '-f', mid])
    fmt, division, tracks = midifile.read(mid)  # the song runs past 30 s in most metres: cut it at 31 s
    midifile.write(mid, fmt, division, midifile.rewrite(tracks, division, seconds=31.0))
    clipio.run(['fluidsynth', '-ni', '-g', f'{gain:.3f}', '-r', '22050', '-R', '1' if reverb else '0',
         '-C', '1' if chorus else '0', '-F', full, soundfont, mid])
    os.remove(mid)
    clipio.finish_clip(out, sid, full, ['trim', '0', '30', 'gain', '-n', f'{peak_db:.2f}'], key, wav, keyfile)
    return True


def main(argv):
    args = list(argv)
    opts = clipio.take_options(args, {'--seed': '1', '--count': '0', '--shard': '0/1'})
    if len(args) != 2 or args[0] not in ('train', 'test'):
        print('usage: render_mma.py train|test OUT [--seed N] [--count N] [--shard I/N]', file=sys.stderr)
        return 2
    which, out = args
    deps.require({**deps.RENDER, **deps.MMA})
    seed = int(opts['--seed'])
    shard, nshards = (int(x) for x in opts['--shard'].split('/'))
    songs = mma_songs.songs(which, seed, int(opts['--count']) or None)
    for sub in ('audio', 'key', 'mma'):
        os.makedirs(os.path.join(out, sub), exist_ok=True)
    done = 0
    with tempfile.TemporaryDirectory(prefix='keydata-mma-') as tmpdir:
        for i, song in enumerate(songs):
            if i % nshards != shard:
                continue
            try:
                done += render_clip(out, song, seed, tmpdir)
            except subprocess.CalledProcessError as e:
                print(f'{song[0]}: render failed ({e})', file=sys.stderr)
    print(f'{out} shard {shard}/{nshards}: rendered {done} new clips of {len(songs)}', file=sys.stderr)
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
