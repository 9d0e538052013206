#!/usr/bin/env bash
# One ringfire run from the N machines of a host list, over ssh: host number I (0-based, in the
# file's order) runs `ringfire --shard I/N`, all start measuring at one instant (--start-at), each
# result comes back as JSON on the ssh connection's stdout into OUT_DIR/shard-I.json, and
# `ringfire merge` adds them up into OUT_DIR/all.json. GNU parallel starts the ssh sessions when
# it is installed; otherwise they are background jobs of this shell.
#
#   deploy/ssh/run-shards.sh HOSTS_FILE OUT_DIR -- RINGFIRE_ARGS...
#   e.g. deploy/ssh/run-shards.sh hosts.txt out -- -c 300 -d 60s http://10.0.0.9:8080/
#
# HOSTS_FILE: one ssh destination a line ([user@]host); blank lines and # comments are skipped.
# Environment:
#   START_IN   seconds from now to the start of the measured window (default 30): time for every
#              host to connect and warm up. START_AT (unix seconds) sets the instant instead.
#   RINGFIRE   ringfire on the hosts (default: ringfire); LOCAL_RINGFIRE the one that merges here
#   SSH        the ssh command (default: ssh -n -o BatchMode=yes)
#   DRY_RUN=1  print each host's command line and the merge instead of running them
set -euo pipefail

usage() {
  echo "usage: $0 HOSTS_FILE OUT_DIR -- RINGFIRE_ARGS..." >&2
  exit 2
}
[[ $# -ge 3 && $3 == "--" ]] || usage
hosts_file=$1
out_dir=$2
shift 3
[[ $# -gt 0 ]] || usage

mapfile -t hosts < <(sed -e 's/#.*//' -e 's/[[:space:]]*$//' -e '/^[[:space:]]*$/d' "$hosts_file")
n=${#hosts[@]}
if ((n == 0)); then
  echo "$0: no hosts in $hosts_file" >&2
  exit 2
fi
# The instant is fixed here, once, so every host gets the same one.
start_at=${START_AT:-$(($(date +%s) + ${START_IN:-30}))}
ringfire=${RINGFIRE:-ringfire}
local_ringfire=${LOCAL_RINGFIRE:-ringfire}
read -r -a ssh <<<"${SSH:-ssh -n -o BatchMode=yes}"

# The remote command as one string for the remote shell: every argument quoted for it.
remote_command() {
  local index=$1
  shift
  local words=("$ringfire" --shard "$index/$n" --start-at "$start_at" --json - --quiet
    --no-progress "$@")
  printf '%q ' "${words[@]}"
}

mkdir -p "$out_dir"
echo "$n shards, measured window from $(date -d "@$start_at" '+%F %T %Z') ($start_at)" >&2
status=0
if [[ ${DRY_RUN:-0} == 1 ]]; then
  for i in "${!hosts[@]}"; do
    echo "${ssh[*]} ${hosts[$i]} $(remote_command "$i" "$@")> $out_dir/shard-$i.json"
  done
elif command -v parallel >/dev/null; then
  # {1} the host, {2} its index, {3} its command (--link pairs them); each host's stderr lines
  # come prefixed with its name.
  commands=()
  for i in "${!hosts[@]}"; do commands+=("$(remote_command "$i" "$@")"); done
  parallel --jobs 0 --link --tagstring '{1}' \
    "$(printf '%q ' "${ssh[@]}") {1} {3} > $(printf '%q' "$out_dir")/shard-{2}.json" \
    ::: "${hosts[@]}" ::: "${!hosts[@]}" ::: "${commands[@]}" || status=$?
else
  pids=()
  for i in "${!hosts[@]}"; do
    "${ssh[@]}" "${hosts[$i]}" "$(remote_command "$i" "$@")" >"$out_dir/shard-$i.json" &
    pids+=($!)
  done
  for pid in "${pids[@]}"; do wait "$pid" || status=1; done
fi
# A failed shard leaves its file short or empty: merge refuses it and names it.
((status == 0)) || echo "$0: some shard failed (exit status above); merging what came back" >&2

files=()
for i in "${!hosts[@]}"; do files+=("$out_dir/shard-$i.json"); done
if [[ ${DRY_RUN:-0} == 1 ]]; then
  echo "$local_ringfire merge ${files[*]} -o $out_dir/all.json --text"
  exit 0
fi
"$local_ringfire" merge "${files[@]}" -o "$out_dir/all.json" --text
exit "$status"
