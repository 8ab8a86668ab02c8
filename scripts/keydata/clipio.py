"""What the key-data renderers share: running a tool quietly, turning a fluidsynth render into a dataset clip
(mono 22050 Hz 16-bit WAV + .key, both written under temporary names and renamed, so a killed run leaves no
half-written clip), and reading --name value options."""
import os
import subprocess


def run(cmd):
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def finish_clip(out, cid, full, sox_tail, label, wav, keyfile):
    """Converts the render `full` to OUT/audio/<cid>.wav (sox, effects `sox_tail`) and writes its label to `keyfile`;
    removes `full`. sox -R makes the dither repeatable."""
    part = os.path.join(out, 'audio', f'.{cid}.part.wav')
    run(['sox', '-R', full, '-c', '1', '-r', '22050', '-b', '16', part] + sox_tail)
    os.remove(full)
    tmp = os.path.join(out, 'key', f'.{cid}.part')
    with open(tmp, 'w') as f:
        f.write(label + '\n')
    os.replace(tmp, keyfile)
    os.replace(part, wav)


def take_options(args, defaults):
    """Removes `--name value` pairs named in `defaults` from `args` (a list) and returns them merged into a copy
    of `defaults`."""
    opts = dict(defaults)
    for name in list(opts):
        if name in args:
            i = args.index(name)
            opts[name] = args[i + 1]
            del args[i:i + 2]
    return opts
