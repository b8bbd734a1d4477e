#!/usr/bin/env bash
# Renders demo.tape to testdata/demo.gif, the README's demo, with VHS.
#
# It builds turso-groups from this checkout into a temporary directory put
# first on PATH, runs `vhs demo.tape` from the repository root with a
# throwaway HOME and XDG directories (so no config file, turso CLI login or
# token of yours changes what is recorded), shrinks the GIF with gifsicle
# and prints its size. VHS's own GIF is 700-800 KiB; gifsicle's frame
# optimisation and a 64-colour palette take it to 450-500 KiB. (Its
# --lossy would go lower, but leaves faint ghosts of earlier text on the
# dark background.)
#
# Needs (checked below, with how to get each):
#   go                      to build turso-groups
#   vhs v0.10.0             go install github.com/charmbracelet/vhs@v0.10.0
#   ttyd                    Debian bookworm has none: build it from
#                           https://github.com/tsl0922/ttyd (see below)
#   ffmpeg, chromium        apt-get install ffmpeg chromium
#   gifsicle                apt-get install gifsicle
#   the JetBrains Mono font apt-get install fonts-jetbrains-mono
# As root, Chromium only runs without its sandbox: this script sets
# VHS_NO_SANDBOX=true when it runs as root.
#
# Takes one to two minutes on 2 cores. Usage: testdata/render-demo.sh
set -euo pipefail
cd "$(dirname "$0")/.."

out=testdata/demo.gif
want_vhs=v0.10.0

missing=0
need() { # need TOOL HOW-TO-GET-IT
  if ! command -v "$1" >/dev/null 2>&1; then
    echo "render-demo.sh: $1 is not on PATH. $2" >&2
    missing=1
  fi
}
need go "Install Go 1.26.8 or newer (https://go.dev/dl/)."
need vhs "Install it with: go install github.com/charmbracelet/vhs@$want_vhs (and put \$(go env GOPATH)/bin on PATH)."
need ttyd "Build it: git clone https://github.com/tsl0922/ttyd && cd ttyd &&
  apt-get install -y cmake libwebsockets-dev libjson-c-dev libuv1-dev zlib1g-dev libssl-dev &&
  mkdir build && cd build && cmake .. && make -j2, then put build/ttyd on PATH."
need ffmpeg "Install it with: apt-get install ffmpeg"
need gifsicle "Install it with: apt-get install gifsicle"
if ! command -v chromium >/dev/null 2>&1 && ! command -v chromium-browser >/dev/null 2>&1 \
  && ! command -v google-chrome >/dev/null 2>&1; then
  echo "render-demo.sh: no chromium (or google-chrome) on PATH; VHS drives it to draw the terminal. Install it with: apt-get install chromium" >&2
  missing=1
fi
if [ "$missing" = 1 ]; then
  echo "render-demo.sh: missing tools, nothing rendered" >&2
  exit 1
fi
if command -v fc-list >/dev/null 2>&1 && ! fc-list | grep -qi 'JetBrains Mono'; then
  echo "render-demo.sh: warning: the JetBrains Mono font is missing, VHS falls back to a wider one" \
    "and the dashboard may not fit (apt-get install fonts-jetbrains-mono)" >&2
fi
have_vhs=$(vhs --version 2>/dev/null | awk '{print $3}')
if [ "$have_vhs" != "$want_vhs" ]; then
  echo "render-demo.sh: warning: vhs is ${have_vhs:-of unknown version}, the demo is made with $want_vhs" >&2
fi
tape_out=$(awk '$1 == "Output" { print $2 }' demo.tape)
if [ "$tape_out" != "$out" ]; then
  echo "render-demo.sh: demo.tape writes '$tape_out', this script expects '$out'" >&2
  exit 1
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
go build -o "$work/bin/turso-groups" .
mkdir -p "$work/home" "$work/config" "$work/data" "$work/state"

rm -f "$out"
start=$(date +%s)
status=0
sandbox=()
if [ "$(id -u)" = 0 ]; then sandbox=(VHS_NO_SANDBOX=true); fi
env -u TURSO_API_TOKEN -u TURSO_ORG -u TURSO_API_BASEURL -u NO_COLOR \
  ${sandbox[@]+"${sandbox[@]}"} \
  PATH="$work/bin:$PATH" HOME="$work/home" XDG_CONFIG_HOME="$work/config" \
  XDG_DATA_HOME="$work/data" XDG_STATE_HOME="$work/state" \
  vhs demo.tape || status=$?
secs=$(( $(date +%s) - start ))
if [ "$status" != 0 ]; then
  echo "render-demo.sh: vhs failed (exit $status) after ${secs}s, see its output above;" \
    "no new $out (git checkout $out brings the committed one back)" >&2
  exit "$status"
fi
if [ ! -s "$out" ]; then
  echo "render-demo.sh: vhs exited 0 but wrote no $out" >&2
  exit 1
fi
raw=$(wc -c < "$out")
gifsicle --batch -O3 --colors 64 "$out"
bytes=$(wc -c < "$out")
echo "render-demo.sh: wrote $out in ${secs}s: $(( bytes / 1024 )) KiB ($bytes bytes;" \
  "VHS wrote $(( raw / 1024 )) KiB, gifsicle shrank it)"
