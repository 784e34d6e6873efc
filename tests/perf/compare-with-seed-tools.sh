#!/usr/bin/env bash
# Compares the metrics engine with the seed's own tools on the same files, in one run:
#   (a) cold ingestion of a 1,000,000-line metrics file (~135 MB): the seed's awk one-liner, jq
#       computing the same summary, and the engine computing the full exact summary;
#   (c) peak memory of the engine on a ~1 GB file and on a file holding one 200 MB line.
# (b) incremental pick-up and the dashboard's queries are BenchmarkDotNet benchmarks:
#   dotnet run -c Release --project tests/OrchestrationMaint.Benchmarks -- --filter '*'
# Usage: tests/perf/compare-with-seed-tools.sh [WORKDIR]   (needs awk, jq, /usr/bin/time; ~2.5 GB of disk)
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
work="${1:-$(mktemp -d)}"
mkdir -p "$work"
cd "$repo"
dotnet build tests/OrchestrationMaint.Benchmarks -c Release -nologo -clp:ErrorsOnly >/dev/null
bench_dll="$repo/tests/OrchestrationMaint.Benchmarks/bin/Release/net10.0/OrchestrationMaint.Benchmarks.dll"
bench() { dotnet "$bench_dll" "$@"; }
wall() { /usr/bin/time -f "%e %M" -o "$work/time.txt" "$@" >"$work/out.txt" 2>&1; cat "$work/time.txt"; }

[ -f "$work/1m.jsonl" ] || bench generate "$work/1m.jsonl" 1000000
[ -f "$work/1g.jsonl" ] || bench generate "$work/1g.jsonl" 7500000
[ -f "$work/hugeline.jsonl" ] || bench hugeline "$work/hugeline.jsonl" 200
printf 'files: 1m.jsonl %s MB, 1g.jsonl %s MB, hugeline.jsonl %s MB\n' \
  "$(( $(stat -c %s "$work/1m.jsonl") / 1048576 ))" "$(( $(stat -c %s "$work/1g.jsonl") / 1048576 ))" "$(( $(stat -c %s "$work/hugeline.jsonl") / 1048576 ))"

echo "== (a) cold ingestion of 1,000,000 lines (wall seconds, best of 3) =="
best() { sort -n | head -1; }
awk_s=$(for _ in 1 2 3; do wall awk -F'"duration_seconds": ' '$2 > 10 {print}' "$work/1m.jsonl" | cut -d' ' -f1; done | best)
awk_lines=$(awk -F'"duration_seconds": ' '$2 > 10 {print}' "$work/1m.jsonl" | wc -l)
# Each line on its own (a malformed one is skipped, not fatal), counted as the contract says.
jq_program='reduce inputs as $line ({records: 0, success: 0, failure: 0, slow: 0, malformed: 0};
  ($line | try fromjson catch null) as $r
  | if ($r | type) != "object" or ($r.timestamp | type) != "string" or (($r.timestamp | fromdateiso8601?) == null)
       or ($r.operation | type) != "string" or $r.operation == "" or ($r.status | type) != "string"
       or ((($r.duration_seconds | tonumber?) // -1) < 0)
    then (if ($line | test("^\\s*$")) then . else .malformed += 1 end)
    else .records += 1
    | (($r.status // "") | ascii_downcase) as $s
    | if $s == "success" then .success += 1 elif $s == "failure" then .failure += 1 else . end
    | if ((($r.duration_seconds | tonumber?) // 0) > 10) then .slow += 1 else . end end)'
jq_s=$(for _ in 1 2 3; do wall jq -nR "$jq_program" "$work/1m.jsonl" | cut -d' ' -f1; done | best)
jq_out=$(jq -c -nR "$jq_program" "$work/1m.jsonl")
engine_s=$(for _ in 1 2 3; do wall dotnet "$bench_dll" ingest "$work/1m.jsonl" | cut -d' ' -f1; done | best)
engine_out=$(bench ingest "$work/1m.jsonl")
printf '%-44s %6.2f s   (%s "slow" lines: string comparison)\n' "seed awk one-liner (slow lines only):" "$awk_s" "$awk_lines"
printf '%-44s %6.2f s   %s\n' "jq, same summary:" "$jq_s" "$jq_out"
printf '%-44s %6.2f s   %s\n' "engine, full exact summary (whole process):" "$engine_s" "$engine_out"
printf 'ratios: engine/awk %.2f, engine/jq %.3f\n' "$(echo "$engine_s / $awk_s" | bc -l)" "$(echo "$engine_s / $jq_s" | bc -l)"

echo "== (c) peak memory =="
printf '%-44s %s\n' "engine idle baseline (empty file):" "$(: > "$work/empty.jsonl"; bench ingest "$work/empty.jsonl")"
printf '%-44s %s\n' "engine on 1g.jsonl:" "$(bench ingest "$work/1g.jsonl")"
printf '%-44s %s\n' "engine on hugeline.jsonl (one 200 MB line):" "$(bench ingest "$work/hugeline.jsonl")"
