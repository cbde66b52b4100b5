#!/usr/bin/env bash
# Time to first frame and peak memory of prescreen, against a bare eframe window with the same
# renderer and window options (examples/bare_window.rs), both in a virtual X display.
#
#   scripts/startup.sh [RUNS]        (default 5 runs of each)
#
# Time to first frame: each program is started with PRESCREEN_EXIT_AFTER_FIRST_FRAME=1; when
# its first frame is painted and its window shown it prints the time and exits. The time from
# launch (taken here just before starting it) to that moment is reported. Peak memory: each program is started with PRESCREEN_FRAME_COUNT_FILE,
# left 2 s after its first frame, then VmHWM (peak resident set) is read from /proc/PID/status.
# Summaries go to a temporary outbox; nothing is written to the real data folder.
#
# Needs Xvfb (installed from Debian's packages when missing). Not part of `cargo test` or CI:
# timings on shared machines are noisy, so they are reported, never asserted.
set -euo pipefail
runs=${1:-5}
cd "$(dirname "$0")/.."

if ! command -v Xvfb >/dev/null; then
  (apt-get update -qq && apt-get install -y -qq xvfb x11-utils) >/dev/null 2>&1 ||
    { echo "startup.sh: could not install xvfb" >&2; exit 2; }
fi

cargo build --release --quiet --bin prescreen --example bare_window
prescreen=target/release/prescreen
bare=target/release/examples/bare_window

tmp=$(mktemp -d)
display=:$((90 + RANDOM % 100))
Xvfb "$display" -screen 0 1280x800x24 -nolisten tcp >/dev/null 2>&1 &
xvfb=$!
app=
trap '[[ -n $app ]] && kill "$app" 2>/dev/null; kill "$xvfb" 2>/dev/null; rm -rf "$tmp"' EXIT
export DISPLAY=$display
# No site configuration or data folder of this machine's is read or written.
export XDG_CONFIG_HOME=$tmp/config XDG_DATA_HOME=$tmp/data
for _ in $(seq 50); do
  [[ -e /tmp/.X11-unix/X${display#:} ]] && break
  sleep 0.1
done

# Milliseconds from launch until the program's first frame is painted and its window shown
# (the program prints the time of that moment and exits), then the CPU time it used, user +
# system, in milliseconds: less disturbed than the wall time when the machine is busy.
first_frame() {
  local start out cpu
  start=${EPOCHREALTIME/[.,]/} # microseconds since 1970, read without starting a process
  cpu=$({ TIMEFORMAT='%3U %3S'; time PRESCREEN_EXIT_AFTER_FIRST_FRAME=1 "$@" >"$tmp/out" 2>/dev/null; } 2>&1)
  out=$(<"$tmp/out")
  [[ $out =~ first_frame_unix_us=([0-9]+) ]] ||
    { echo "startup.sh: no first frame from $1" >&2; exit 1; }
  awk -v a="${BASH_REMATCH[1]}" -v b="$start" -v cpu="$cpu" \
    'BEGIN { split(cpu, c, " "); printf "%.1f %.0f\n", (a - b) / 1000, (c[1] + c[2]) * 1000 }'
}

# Peak resident memory in KiB, 2 s after the first frame.
peak_kib() {
  local count=$tmp/frames peak
  rm -f "$count"
  PRESCREEN_FRAME_COUNT_FILE=$count "$@" >/dev/null 2>&1 &
  app=$!
  for _ in $(seq 200); do
    [[ -s $count ]] && break
    sleep 0.05
  done
  [[ -s $count ]] || { echo "startup.sh: no first frame from $1" >&2; exit 1; }
  sleep 2
  peak=$(awk '/^VmHWM:/ { print $2 }' "/proc/$app/status")
  kill "$app"
  wait "$app" 2>/dev/null || true
  app=
  echo "$peak"
}

median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

prescreen_cmd=("$prescreen" --outbox "$tmp/outbox")
bare_cmd=("$bare")

# One unmeasured run of each: files in the page cache, Mesa's shader cache warm.
first_frame "${bare_cmd[@]}" >/dev/null
first_frame "${prescreen_cmd[@]}" >/dev/null

: >"$tmp/bare"; : >"$tmp/pre"; : >"$tmp/m_bare"; : >"$tmp/m_pre"
for i in $(seq "$runs"); do
  # Alternating, so a busy moment on the machine falls on both.
  first_frame "${bare_cmd[@]}" >>"$tmp/bare"
  first_frame "${prescreen_cmd[@]}" >>"$tmp/pre"
  peak_kib "${bare_cmd[@]}" >>"$tmp/m_bare"
  peak_kib "${prescreen_cmd[@]}" >>"$tmp/m_pre"
  echo "run $i of $runs done" >&2
done

column() { awk -v n="$1" '{ print $n }' "$2" | median; }
row() { # label, bare, prescreen
  printf '%-36s %11s %11s %7s\n' "$1" "$2" "$3" "$(awk -v a="$3" -v b="$2" 'BEGIN { printf "%.2f", a / b }')"
}
echo
echo "Medians of $runs runs of each"
printf '%-36s %11s %11s %7s\n' "" bare_window prescreen ratio
row "time to first frame (ms)" "$(column 1 "$tmp/bare")" "$(column 1 "$tmp/pre")"
row "CPU time to first frame (ms)" "$(column 2 "$tmp/bare")" "$(column 2 "$tmp/pre")"
row "peak memory, VmHWM (MiB)" \
  "$(median <"$tmp/m_bare" | awk '{ printf "%.1f", $1 / 1024 }')" \
  "$(median <"$tmp/m_pre" | awk '{ printf "%.1f", $1 / 1024 }')"
echo
echo "Every run:"
echo "bare_window ms (wall, CPU): $(tr '\n' ';' <"$tmp/bare")"
echo "prescreen ms (wall, CPU):   $(tr '\n' ';' <"$tmp/pre")"
echo "bare_window VmHWM KiB:      $(tr '\n' ' ' <"$tmp/m_bare")"
echo "prescreen VmHWM KiB:        $(tr '\n' ' ' <"$tmp/m_pre")"
