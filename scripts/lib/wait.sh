# Sourced by the infrastructure scripts. Needs a `say` function in the sourcing script.
# wait_for <seconds> <description> <command...>: runs the command every 0.2 s until it succeeds.
wait_for() {
  local seconds=$1 what=$2; shift 2
  for ((i = 0; i < seconds * 5; i++)); do
    if "$@" >/dev/null 2>&1; then return 0; fi
    sleep 0.2
  done
  say "timed out after ${seconds}s waiting for $what"; return 1
}
