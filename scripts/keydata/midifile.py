"""Standard MIDI files as lists of events: read, rewrite (programs, channels, transposition, tempo, excerpt), write.

Python stdlib only. An event is (tick, status, payload): status 0xFF = meta (payload = type byte + data),
0xF0/0xF7 = sysex, otherwise a channel message (payload = its 1 or 2 data bytes).
"""
import os
import struct


def _varlen(data, pos):
    value = 0
    while True:
        b = data[pos]
        pos += 1
        value = (value << 7) | (b & 0x7F)
        if b < 0x80:
            return value, pos


def _encode_varlen(value):
    out = [value & 0x7F]
    value >>= 7
    while value:
        out.append(0x80 | (value & 0x7F))
        value >>= 7
    return bytes(reversed(out))


def read(path):
    """(format, division, [[(tick, status, payload)] per track]); raises ValueError on a malformed file."""
    d = open(path, 'rb').read()
    if d[:4] != b'MThd':
        raise ValueError(f'{path}: not a MIDI file')
    hlen = struct.unpack('>I', d[4:8])[0]
    fmt, ntracks, division = struct.unpack('>HHH', d[8:14])
    if division & 0x8000:
        raise ValueError(f'{path}: SMPTE time division is not supported')
    pos, tracks = 8 + hlen, []
    for _ in range(ntracks):
        if d[pos:pos + 4] != b'MTrk':
            raise ValueError(f'{path}: bad track chunk')
        n = struct.unpack('>I', d[pos + 4:pos + 8])[0]
        tracks.append(list(_events(d[pos + 8:pos + 8 + n])))
        pos += 8 + n
    return fmt, division, tracks


def _events(data):
    pos, tick, running = 0, 0, None
    while pos < len(data):
        delta, pos = _varlen(data, pos)
        tick += delta
        status = data[pos]
        if status == 0xFF:
            mtype = data[pos + 1]
            n, pos = _varlen(data, pos + 2)
            yield tick, 0xFF, bytes([mtype]) + data[pos:pos + n]
            pos += n
        elif status in (0xF0, 0xF7):
            n, pos = _varlen(data, pos + 1)
            yield tick, status, data[pos:pos + n]
            pos += n
        else:
            if status & 0x80:
                running = status
                pos += 1
            elif running is None:
                raise ValueError('running status without a status byte')
            else:
                status = running
            size = 1 if (status & 0xF0) in (0xC0, 0xD0) else 2
            yield tick, status, data[pos:pos + size]
            pos += size


def write(path, fmt, division, tracks):
    """Writes tracks (event lists, any order within a track; sorted here stably by tick) atomically."""
    chunks = [b'MThd' + struct.pack('>IHHH', 6, fmt, len(tracks), division)]
    for events in tracks:
        body, last = bytearray(), 0
        events = sorted((e for e in events if not (e[1] == 0xFF and e[2][0] == 0x2F)), key=lambda e: e[0])
        end = max([e[0] for e in events], default=0)
        for tick, status, payload in events + [(end, 0xFF, b'\x2f')]:
            body += _encode_varlen(tick - last)
            last = tick
            if status == 0xFF:
                body += bytes([0xFF, payload[0]]) + _encode_varlen(len(payload) - 1) + payload[1:]
            elif status in (0xF0, 0xF7):
                body += bytes([status]) + _encode_varlen(len(payload)) + payload
            else:
                body += bytes([status]) + payload
        chunks.append(b'MTrk' + struct.pack('>I', len(body)) + bytes(body))
    tmp = f'{path}.tmp{os.getpid()}'
    with open(tmp, 'wb') as f:
        f.write(b''.join(chunks))
    os.replace(tmp, path)


def tempo_map(tracks):
    """Sorted [(tick, microseconds per quarter)] from all tracks' tempo events, starting with 120 bpm at tick 0."""
    changes = {0: 500000}
    for events in tracks:
        for tick, status, payload in events:
            if status == 0xFF and payload[0] == 0x51:
                changes[tick] = int.from_bytes(payload[1:4], 'big')
    return sorted(changes.items())


def tick_at_seconds(seconds, division, tmap):
    """The tick reached after `seconds` under the tempo map."""
    t, prev_tick, prev_tempo = 0.0, 0, tmap[0][1]
    for tick, tempo in tmap[1:]:
        span = (tick - prev_tick) * prev_tempo / 1e6 / division
        if t + span >= seconds:
            break
        t += span
        prev_tick, prev_tempo = tick, tempo
    return prev_tick + int((seconds - t) * 1e6 * division / prev_tempo)


def rewrite(tracks, division, programs=None, transpose=0, tempo_factor=1.0, seconds=None, velocity=None):
    """A new track list: track i's channel messages moved to channel i (channel 9, drums, left as is) with
    program programs[i] at tick 0; non-drum notes transposed; all tempi multiplied by tempo_factor (faster when
    > 1); velocities of track i scaled by velocity[i]; events after `seconds` (at the new tempo) dropped, with
    all notes released there (or at the track's end, if earlier: a short tune is not padded with silence)."""
    tmap = [(tick, max(1, int(round(us / tempo_factor)))) for tick, us in tempo_map(tracks)]
    cut = tick_at_seconds(seconds, division, tmap) if seconds else None
    out = []
    for i, events in enumerate(tracks):
        channel = min(i, 15) if i < 9 else min(i + 1, 15)
        new = []
        for tick, status, payload in events:
            if cut is not None and tick > cut:
                continue
            if status == 0xFF:
                if payload[0] == 0x51:
                    continue  # re-inserted below from the scaled tempo map
                new.append((tick, status, payload))
                continue
            if status >= 0xF0:
                new.append((tick, status, payload))
                continue
            kind, ch = status & 0xF0, status & 0x0F
            drums = ch == 9
            if kind == 0xC0 and programs is not None:
                continue
            if not drums and programs is not None:
                ch = channel
            if kind in (0x80, 0x90, 0xA0) and not drums:
                pitch = payload[0] + transpose
                if not 0 <= pitch <= 127:
                    continue
                vel = payload[1]
                if kind == 0x90 and vel > 0 and velocity is not None:
                    vel = max(1, min(127, int(round(vel * velocity[i]))))
                payload = bytes([pitch, vel])
            new.append((tick, kind | ch, payload))
        if programs is not None and i < len(programs) and programs[i] is not None:
            new.insert(0, (0, 0xC0 | channel, bytes([programs[i]])))
        if i == 0:
            new[0:0] = [(tick, 0xFF, b'\x51' + us.to_bytes(3, 'big')) for tick, us in tmap if cut is None or tick <= cut]
        if cut is not None:  # release everything at the cut (or at the track's end when it ends earlier)
            end = min(cut, max((e[0] for e in new), default=0))
            for ch in range(16):
                new.append((end, 0xB0 | ch, bytes([123, 0])))
        out.append(new)
    return out
