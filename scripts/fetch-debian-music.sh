#!/usr/bin/env bash
# Downloads the freely licensed game/demo music listed in shared/data/debian_music.tsv (Debian packages) and
# unpacks only the listed audio files into a cache folder outside git, for self-supervised training
# (groove train stone --data DIR).
#
#   scripts/fetch-debian-music.sh [DIR] [PACKAGE...]
#
# DIR defaults to ~/.cache/groove/debian-music. With PACKAGE names only those packages are fetched (a quick subset);
# without, every package in the list. Already unpacked packages are skipped, so the script can be re-run.
# Music shipped inside zip archives (public.zip, *.pk3; listed as music/PKG/PATH-IN-ARCHIVE) is unzipped.
# Needs apt-get, dpkg-deb and unzip.
#
# For a training corpus prefer `groove corpus debian --out DIR`: it also decodes to mono WAV at one rate (16 kHz by
# default), drops duplicates and near-silent files, writes a manifest (DIR/corpus.tsv), resumes inside a package
# and never unpacks whole packages. This script is kept because the STONE model cards (models/stone*.md) list their
# training tracks by the names it writes (DIR/PKG/path_with_underscores.ogg, the original files).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
list="${GROOVE_DEBIAN_MUSIC_LIST:-$here/../../shared/data/debian_music.tsv}"
[ -f "$list" ] || list="/work/shared/data/debian_music.tsv"
[ -f "$list" ] || { echo "fetch-debian-music: package list not found ($list)" >&2; exit 2; }
dest="${1:-$HOME/.cache/groove/debian-music}"
shift || true
mkdir -p "$dest/.debs"
dest="$(cd "$dest" && pwd)"

if [ "$#" -gt 0 ]; then packages=("$@"); else mapfile -t packages < <(tail -n +2 "$list" | cut -f1 | sort -u); fi

for pkg in "${packages[@]}"; do
  if [ -f "$dest/$pkg/.done" ]; then echo "$pkg: cached"; continue; fi
  if ! grep -q "^$pkg	" "$list"; then echo "$pkg: not in $list, skipped" >&2; continue; fi
  tmp="$(mktemp -d)"
  ( cd "$dest/.debs" && apt-get download "$pkg" >/dev/null 2>&1 ) || { echo "$pkg: apt-get download failed" >&2; rm -rf "$tmp"; continue; }
  deb="$(ls -t "$dest/.debs/${pkg}"_*.deb 2>/dev/null | head -n 1)"
  dpkg-deb -x "$deb" "$tmp/root"
  mkdir -p "$dest/$pkg"
  # Archives that carry music (zip-based game data).
  find "$tmp/root" -type f \( -iname '*.zip' -o -iname '*.pk3' \) -print0 | while IFS= read -r -d '' z; do
    unzip -qq -o "$z" -d "$tmp/root$(dirname "${z#"$tmp/root"}")" 2>/dev/null || true
  done
  n=0
  while IFS=$'\t' read -r p path _; do
    [ "$p" = "$pkg" ] || continue
    if [ "${path#/}" != "$path" ]; then
      src="$tmp/root$path"
    else
      # "music/PKG/REST": REST is a path inside one of the package's archives (unzipped next to the archive).
      rest="${path#music/"$pkg"/}"
      src="$(find "$tmp/root" -type f -path "*/$rest" -print -quit)"
    fi
    [ -n "$src" ] && [ -f "$src" ] || continue
    out="$dest/$pkg/$(echo "${path#/}" | tr '/' '_')"
    cp "$src" "$out"; n=$((n + 1))
  done < "$list"
  rm -rf "$tmp" "$deb"
  touch "$dest/$pkg/.done"
  echo "$pkg: $n files"
done
echo "music in $dest"
