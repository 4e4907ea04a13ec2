# Waiting for a quiet machine before a measurement, shared by the bench scripts that
# measure on a shared 2-core machine (render.sh, mixed.sh, rss.sh). Sourced, not run.
# Needs from the caller: log(), QUIET_WAIT (seconds of budget over all waits), QUIET_LOAD
# (the 1-minute load average to wait below) and QUIET_POLL (seconds between looks).
# wait_quiet WHAT returns when no other compiler, browser, cache or load generator runs
# and the load is low, or when the budget is spent (then NOT_QUIET says so for the report).

descendants() { # PID: the pids below it
    ps -eo pid=,ppid= | awk -v root="$1" '{ parent[$1] = $2 }
        END { for (p in parent) { q = p; n = 0
                while ((q in parent) && q != root && q > 1 && n++ < 64) q = parent[q]
                if (q == root && p != root) printf "%s ", p } }'
}
others_busy() { # compilers, browsers, caches and load generators that are not ours
    local mine
    mine=" $$ $(descendants $$) "
    ps -eo pid=,comm= | awk -v mine="$mine" \
        '$2 ~ /^(rustc|cargo|chromium|chrome|varnishd|wrk)$/ && index(mine, " " $1 " ") == 0 {
            printf "%s%s(%s)", sep, $2, $1; sep = " " }'
}
load1() { cut -d' ' -f1 /proc/loadavg; }
QUIET_LEFT="$QUIET_WAIT"
NOT_QUIET=""
wait_quiet() { # WHAT: waits while others are busy or the load is high, within the budget
    local busy load
    while :; do
        busy="$(others_busy)"; load="$(load1)"
        if [ -z "$busy" ] && awk -v l="$load" -v m="$QUIET_LOAD" 'BEGIN { exit !(l < m) }'; then
            return 0
        fi
        if [ "$QUIET_LEFT" -le 0 ]; then
            log "$1: not quiet (load $load; busy: ${busy:-none}); measuring anyway"
            NOT_QUIET="$NOT_QUIET $1: load $load, busy: ${busy:-none};"
            return 0
        fi
        log "$1: waiting for quiet (load $load; busy: ${busy:-none}; ${QUIET_LEFT}s left)"
        sleep "$QUIET_POLL"
        QUIET_LEFT=$((QUIET_LEFT - QUIET_POLL))
    done
}

