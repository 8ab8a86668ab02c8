#!/usr/bin/env python3
"""Regenerates examples/groove-example.wav: a Groove MIDI Dataset drum performance (CC BY 4.0) with a bass line and
chords written here, rendered with fluidsynth, mixed down to 22050 Hz mono 16-bit.

Usage: scripts/make_example.py [--shared ../shared] [--out examples/groove-example.wav]
Needs: fluidsynth, fluid-soundfont-gm, ffmpeg (all in scripts/install-deps.sh). Prints the tempo, key, beat and
downbeat times it wrote (recorded in examples/README.md).
"""
import argparse
import os
import struct
import subprocess
import sys
import tempfile

DRUM_FILE = "drummer3/session1/12_rock_120_beat_4-4.mid"   # train split, 120 BPM rock, 4/4
BARS = 10                      # bars of groove; then one final hit and chord that rings out
BEATS_PER_BAR = 4
KEY = "G major"
# I - vi - IV - V in G major, one chord per bar: (bass root MIDI note, chord tones)
PROGRESSION = [
    (43, [55, 59, 62]),   # G  : G2 | G3 B3 D4
    (40, [52, 55, 59]),   # Em : E2 | E3 G3 B3
    (36, [52, 55, 60]),   # C  : C2 | E3 G3 C4
    (38, [54, 57, 62]),   # D  : D2 | F#3 A3 D4
]
BASS_PROGRAM, CHORD_PROGRAM = 33, 4    # GM: electric bass (finger), electric piano 1


def read_vlq(data, pos):
    value = 0
    while True:
        b = data[pos]
        pos += 1
        value = (value << 7) | (b & 0x7F)
        if not b & 0x80:
            return value, pos


def read_midi(path):
    """Returns (ticks_per_beat, [(abs_tick, event_bytes)]) for all tracks merged; meta/sysex kept as raw bytes."""
    data = open(path, "rb").read()
    if data[:4] != b"MThd":
        sys.exit(f"{path}: not a MIDI file")
    hlen, fmt, ntracks, division = struct.unpack(">IHHH", data[4:14])
    if division & 0x8000:
        sys.exit(f"{path}: SMPTE time division is not supported")
    pos = 8 + hlen
    events = []
    for _ in range(ntracks):
        assert data[pos:pos + 4] == b"MTrk"
        (length,) = struct.unpack(">I", data[pos + 4:pos + 8])
        pos += 8
        end = pos + length
        tick, status = 0, 0
        while pos < end:
            delta, pos = read_vlq(data, pos)
            tick += delta
            b = data[pos]
            if b == 0xFF:
                mtype = data[pos + 1]
                mlen, p2 = read_vlq(data, pos + 2)
                events.append((tick, data[pos:p2 + mlen]))
                pos = p2 + mlen
                if mtype == 0x2F:
                    break
                continue
            if b in (0xF0, 0xF7):
                slen, p2 = read_vlq(data, pos + 1)
                pos = p2 + slen
                continue
            if b & 0x80:
                status = b
                pos += 1
            size = 1 if status & 0xF0 in (0xC0, 0xD0) else 2
            events.append((tick, bytes([status]) + data[pos:pos + size]))
            pos += size
        pos = end
    return division, events


def vlq(value):
    out = [value & 0x7F]
    value >>= 7
    while value:
        out.append((value & 0x7F) | 0x80)
        value >>= 7
    return bytes(reversed(out))


def track_bytes(events):
    events = sorted(events, key=lambda e: (e[0], 0 if e[1][0] & 0xF0 == 0x80 else 1))
    body, last = b"", 0
    for tick, ev in events:
        body += vlq(tick - last) + ev
        last = tick
    body += vlq(0) + b"\xff\x2f\x00"
    return b"MTrk" + struct.pack(">I", len(body)) + body


def note(tick, length, channel, pitch, velocity):
    return [(tick, bytes([0x90 | channel, pitch, velocity])), (tick + length, bytes([0x80 | channel, pitch, 0]))]


def main():
    ap = argparse.ArgumentParser()
    here = os.path.dirname(os.path.abspath(__file__))
    ap.add_argument("--shared", default=os.path.join(here, "..", "..", "shared"))
    ap.add_argument("--out", default=os.path.join(here, "..", "examples", "groove-example.wav"))
    ap.add_argument("--soundfont", default="/usr/share/sounds/sf2/FluidR3_GM.sf2")
    args = ap.parse_args()

    tpb, events = read_midi(os.path.join(args.shared, "data", "midi", "groove", DRUM_FILE))
    tempos = [ev for _, ev in events if ev[:2] == b"\xff\x51"]
    us_per_beat = int.from_bytes(tempos[0][3:6], "big")
    if len({t for t in tempos}) != 1:
        sys.exit("expected a single tempo")
    bpm = 60e6 / us_per_beat
    bar = tpb * BEATS_PER_BAR
    end = BARS * bar            # the downbeat after the last full bar: the final hit
    slack = tpb // 8            # a drummer's final downbeat may land a little early or late

    drums = []
    for tick, ev in events:
        if ev[0] & 0xF0 in (0x90, 0x80) and tick <= end + slack:
            is_on = ev[0] & 0xF0 == 0x90 and ev[2] > 0
            # Keep note-ons before the end (plus the final downbeat); every note-off until then.
            drums.append((tick, bytes([0x99 if is_on else 0x89, ev[1], ev[2]])))
        elif ev[:2] in (b"\xff\x51", b"\xff\x58") and tick == 0:
            drums.append((0, ev))
    # Close any drum note left open at the cut.
    for pitch in {ev[1] for _, ev in drums if ev[0] == 0x99}:
        drums.append((end + slack + 1, bytes([0x89, pitch, 0])))

    bass, chords = [(0, bytes([0xC0, BASS_PROGRAM]))], [(0, bytes([0xC1, CHORD_PROGRAM]))]
    eighth = tpb // 2
    for b in range(BARS):
        root, tones = PROGRESSION[b % len(PROGRESSION)]
        start = b * bar
        # Bass: root on every beat, an octave jump on the "and" of beat 4.
        for beat in range(BEATS_PER_BAR):
            bass += note(start + beat * tpb, tpb - 40, 0, root, 100 if beat == 0 else 84)
        bass += note(start + 3 * tpb + eighth, eighth - 20, 0, root + 12, 76)
        # Chords: held on beat 1, restruck on beat 3 (a half-note comp).
        for half in (0, 2):
            for p in tones:
                chords += note(start + half * tpb, 2 * tpb - 30, 1, p, 72 if half == 0 else 62)
    root, tones = PROGRESSION[0]
    bass += note(end, 3 * tpb, 0, root, 100)
    for p in tones:
        chords += note(end, 3 * tpb, 1, p, 76)

    header = b"MThd" + struct.pack(">IHHH", 6, 1, 3, tpb)
    midi = header + track_bytes(drums) + track_bytes(bass) + track_bytes(chords)

    with tempfile.TemporaryDirectory() as tmp:
        mid = os.path.join(tmp, "example.mid")
        raw = os.path.join(tmp, "raw.wav")
        open(mid, "wb").write(midi)
        subprocess.run(["fluidsynth", "-ni", "-g", "0.8", "-r", "44100", "-F", raw, args.soundfont, mid],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        seconds = end * us_per_beat / tpb / 1e6 + 2.0     # the final chord rings for 2 s
        os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
        tmp_out = args.out + ".tmp.wav"
        subprocess.run(["ffmpeg", "-nostdin", "-v", "error", "-y", "-i", raw, "-t", f"{seconds:.3f}",
                        "-af", f"afade=t=out:st={seconds - 1.0:.3f}:d=1.0", "-ac", "1", "-ar", "22050",
                        "-c:a", "pcm_s16le", "-map_metadata", "-1", "-fflags", "+bitexact", tmp_out], check=True)
        os.replace(tmp_out, args.out)

    spb = us_per_beat / 1e6
    beats = [i * spb for i in range(BARS * BEATS_PER_BAR + 1)]
    print(f"wrote {args.out}: {seconds:.2f} s, tempo {bpm:g} BPM, key {KEY}, 4/4, {BARS} bars + final downbeat")
    print("beats (s):", " ".join(f"{t:.2f}" for t in beats))
    print("downbeats (s):", " ".join(f"{t:.2f}" for t in beats[::BEATS_PER_BAR]))


if __name__ == "__main__":
    main()
