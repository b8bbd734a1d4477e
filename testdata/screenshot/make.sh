#!/usr/bin/env bash
# Makes testdata/screenshot/dashboard.png, the README's screenshot, from the
# program itself: the dashboard runs in tmux on the local API, the pane is
# captured with its colours, aha turns the capture into HTML, and headless
# Chromium renders that page to PNG.
#
# Needs: go, tmux, aha, chromium and a monospace font
#   (Debian: apt-get install tmux aha chromium fonts-dejavu-core).
set -euo pipefail
cd "$(dirname "$0")/../.."

cols=150 rows=34
out=testdata/screenshot/dashboard.png
work=$(mktemp -d)
sock="tg-shot-$$"
cleanup() { tmux -L "$sock" kill-server 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

for tool in go tmux aha chromium; do
  command -v "$tool" >/dev/null || { echo "make.sh needs $tool" >&2; exit 1; }
done

go build -o "$work/turso-groups" .

# A dark terminal, as most people's: tmux answers the dashboard's
# background query with this colour.
tmux -L "$sock" -f /dev/null new-session -d -s shot -x "$cols" -y "$rows" \
  "env -i HOME=$work TERM=xterm-256color COLORTERM=truecolor $work/turso-groups --local --data $work/api.json"
tmux -L "$sock" set -g window-style 'bg=#1e1e2e,fg=#cdd6f4'

wait_for() {
  for _ in $(seq 100); do
    tmux -L "$sock" capture-pane -p -t shot | grep -q "$1" && return 0
    sleep 0.1
  done
  echo "the dashboard never showed '$1'" >&2
  tmux -L "$sock" capture-pane -p -t shot >&2
  exit 1
}
wait_for "6 groups"
# Select default: the side panel shows its locations and databases.
tmux -L "$sock" send-keys -t shot j; sleep 0.2
tmux -L "$sock" send-keys -t shot j; sleep 0.5
wait_for "fra-demo.turso.io\|main-demo.turso.io"

tmux -L "$sock" capture-pane -p -e -t shot > "$work/capture.ans"

{
  cat <<HTML
<!doctype html><html><head><meta charset="utf-8"><style>
  body { margin: 0; background: #1e1e2e; }
  pre  { margin: 0; padding: 18px 22px; color: #cdd6f4; background: #1e1e2e;
         font: 15px/1.12 "DejaVu Sans Mono", monospace; }
</style></head><body><pre>
HTML
  aha --no-header < "$work/capture.ans"
  echo '</pre></body></html>'
} > "$work/capture.html"

# Chars are 9px wide and lines 16.8px at 15px DejaVu Sans Mono.
width=$(( cols * 9 + 44 )) height=$(( rows * 17 + 36 ))
chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
  --disable-background-networking --disable-component-update --disable-sync \
  --hide-scrollbars --user-data-dir="$work/chrome" \
  --window-size="$width,$height" --screenshot="$work/shot.png" \
  "file://$work/capture.html" >/dev/null 2>&1
mv "$work/shot.png" "$out"
echo "wrote $out (${width}x${height})"
