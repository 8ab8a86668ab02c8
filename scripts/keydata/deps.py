"""Installs the Debian packages the key-data scripts need, only those missing (apt-get; sudo when not root)."""
import os
import shutil
import subprocess
import sys

# what must exist (a command on PATH, or an absolute path) -> the Debian package that provides it
FLUID = {
    'fluidsynth': 'fluidsynth',
    'sox': 'sox',
    '/usr/share/sounds/sf2/FluidR3_GM.sf2': 'fluid-soundfont-gm',
}
RENDER = {
    **FLUID,
    '/usr/share/sounds/sf2/MuseScore_General_Full.sf2': 'musescore-general-soundfont-lossless',
    '/usr/share/sounds/sf2/TimGM6mb.sf2': 'timgm6mb-soundfont',
}
MMA = {'mma': 'mma', '/usr/share/mma/lib/stdlib': 'mma'}


def require(needs):
    """Installs the packages of every missing entry of needs ({command or path: package})."""
    missing = sorted({pkg for thing, pkg in needs.items()
                      if not (os.path.exists(thing) if thing.startswith('/') else shutil.which(thing))})
    if not missing:
        return
    print(f'installing: {" ".join(missing)}', file=sys.stderr)
    sudo = [] if os.geteuid() == 0 else ['sudo']
    env = dict(os.environ, DEBIAN_FRONTEND='noninteractive')
    subprocess.run(sudo + ['apt-get', 'install', '-y', '-qq', '--no-install-recommends'] + missing,
                   check=True, env=env, stdout=subprocess.DEVNULL)
