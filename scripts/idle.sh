#!/usr/bin/env bash
# Frames drawn and CPU used by the kiosk while nobody touches it: on Welcome, on the first
# page (text to read), then on the name question (a text field with the focus and the
# on-screen keyboard open).
#
#   scripts/idle.sh [SECONDS]        (default 10 s of no input on each page)
#
# prescreen runs in a virtual X display (1024 × 768, the window's size) with
# PRESCREEN_FRAME_COUNT_FILE set, so it writes how many frames it has drawn. On each page the
# script waits 3 s for it to settle, reads the count and the process's CPU time (utime + stime
# from /proc/PID/stat), waits SECONDS without input, and reads both again. xdotool taps
# Start — English, Begin and Next by their positions. Summaries go to a temporary outbox.
# Set IDLE_SHOTS=DIR to keep a screenshot of each page there (imagemagick's `import`).
#
# Needs Xvfb and xdotool (installed from Debian's packages when missing). Not part of
# `cargo test` or CI.
set -euo pipefail
idle_s=${1:-10}
cd "$(dirname "$0")/.."

if ! command -v Xvfb >/dev/null || ! command -v xdotool >/dev/null; then
  (apt-get update -qq && apt-get install -y -qq xvfb xdotool x11-utils) >/dev/null 2>&1 ||
    { echo "idle.sh: could not install xvfb/xdotool" >&2; exit 2; }
fi

cargo build --release --quiet --bin prescreen

tmp=$(mktemp -d)
display=:$((90 + RANDOM % 100))
# The screen is the window's size, so the window sits at (0, 0) and taps land where measured.
Xvfb "$display" -screen 0 1024x768x24 -nolisten tcp >/dev/null 2>&1 &
xvfb=$!
app=
trap '[[ -n $app ]] && kill "$app" 2>/dev/null; kill "$xvfb" 2>/dev/null; rm -rf "$tmp"' EXIT
export DISPLAY=$display
export XDG_CONFIG_HOME=$tmp/config XDG_DATA_HOME=$tmp/data
for _ in $(seq 50); do
  [[ -e /tmp/.X11-unix/X${display#:} ]] && break
  sleep 0.1
done

count=$tmp/frames
PRESCREEN_FRAME_COUNT_FILE=$count target/release/prescreen --outbox "$tmp/outbox" >/dev/null 2>&1 &
app=$!

frames() { cat "$count" 2>/dev/null || echo 0; }
ticks() { awk '{ print $14 + $15 }' "/proc/$app/stat"; }

shot() {
  if [[ -n ${IDLE_SHOTS:-} ]] && command -v import >/dev/null; then
    mkdir -p "$IDLE_SHOTS"
    import -window root "$IDLE_SHOTS/$1.png"
  fi
}

measure() {
  local page=$1 f0 t0 f1 t1
  sleep 3
  shot "$page"
  f0=$(frames); t0=$(ticks)
  sleep "$idle_s"
  f1=$(frames); t1=$(ticks)
  printf '%-40s %8d %8d\n' "$page" $((f1 - f0)) $((t1 - t0))
}

tap() {
  xdotool mousemove "$1" "$2" click 1
}

window=
for _ in $(seq 100); do
  # The window is mapped once its first frame is painted.
  window=$(xdotool search --onlyvisible --name '^prescreen$' 2>/dev/null | head -1) &&
    [[ -n $window ]] && break
  sleep 0.1
done
[[ -n $window ]] || { echo "idle.sh: the prescreen window did not appear" >&2; exit 1; }
xdotool windowfocus "$window"

printf '%-40s %8s %8s\n' "page (${idle_s} s without input)" frames ticks
measure "welcome"
tap 512 197 # Start — English
sleep 1
tap 150 525 # Begin
measure "first page (text to read)"
tap 866 712 # Next
measure "name (text field, keyboard open)"
# The counter works: the taps and page changes were drawn.
echo "frames drawn in all, taps included: $(frames)"
echo "(100 ticks = 1 core-second of CPU time)"
