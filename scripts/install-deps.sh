#!/usr/bin/env bash
# Installs the Debian packages Groove's tests and tools use, only those missing. Safe to run repeatedly.
set -euo pipefail

# command-to-check -> Debian package
declare -A need=(
  [ffmpeg]=ffmpeg
  [oggdec]=vorbis-tools
  [mma]=mma
  [fluidsynth]=fluidsynth
  [sox]=sox
  [chromium]=chromium
  [python3]=python3
)
missing=()
for cmd in "${!need[@]}"; do
  command -v "$cmd" >/dev/null 2>&1 || missing+=("${need[$cmd]}")
done
# files -> Debian package (the key-data renders name FluidR3 explicitly; fluidsynth alone may bring another soundfont)
[ -f /usr/share/sounds/sf2/FluidR3_GM.sf2 ] || missing+=(fluid-soundfont-gm)
# groove corpus render's other two default soundfonts
[ -f /usr/share/sounds/sf2/MuseScore_General_Full.sf2 ] || missing+=(musescore-general-soundfont)
[ -f /usr/share/sounds/sf2/TimGM6mb.sf2 ] || missing+=(timgm6mb-soundfont)
# PostgreSQL 15 server binaries: the index tests start a private throw-away server with them (initdb, pg_ctl, psql);
# runuser (util-linux) runs it as the postgres user when the tests run as root
[ -x /usr/lib/postgresql/15/bin/initdb ] || missing+=(postgresql-15)
command -v psql >/dev/null 2>&1 || missing+=(postgresql-client-15)
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  sudo_cmd=""
  [ "$(id -u)" = 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
# pgvector, where the distribution has it (Debian bookworm's main archive does not; later releases do)
if [ ! -f /usr/share/postgresql/15/extension/vector.control ] && apt-cache show postgresql-15-pgvector >/dev/null 2>&1; then
  sudo_cmd=""
  [ "$(id -u)" = 0 ] || sudo_cmd="sudo"
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends postgresql-15-pgvector >/dev/null
fi
