#!/usr/bin/env bash
# Compares the metrics engine with the seed's own tools on the same files, in one run:
#   (a) cold ingestion of a 1,000,000-line metrics file (~135 MB): the engine's own ingestion time
#       (ingest_ms, in-process, first call, JIT included) against the seed's awk one-liner, then
#       whole-process wall times: the engine, awk, and jq computing the same summary;
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

echo "== (a) cold ingestion of 1,000,000 lines (best of 3; awk and the engine take turns, so both see the same machine) =="
best() { sort -n | head -1; }
awk_runs=() engine_runs=() ingest_runs=()
for _ in 1 2 3; do
  awk_runs+=("$(wall awk -F'"duration_seconds": ' '$2 > 10 {print}' "$work/1m.jsonl" | cut -d' ' -f1)")
  engine_runs+=("$(wall dotnet "$bench_dll" ingest "$work/1m.jsonl" | cut -d' ' -f1)")
  engine_out=$(cat "$work/out.txt")
  ingest_runs+=("$(sed -n 's/^ingest_ms=\([0-9]*\) .*/\1/p' <<<"$engine_out")")
done
awk_s=$(printf '%s\n' "${awk_runs[@]}" | best)
engine_s=$(printf '%s\n' "${engine_runs[@]}" | best)
ingest_ms=$(printf '%s\n' "${ingest_runs[@]}" | best)
awk_lines=$(awk -F'"duration_seconds": ' '$2 > 10 {print}' "$work/1m.jsonl" | wc -l)
# Each line on its own (a malformed one is skipped, not fatal), counted as the contract says. No
# expression in the reduce body may produce no value: in jq 1.6 an empty update turns the whole
# state into null, and counting starts again from nothing. `(x | fromdateiso8601?) == null` is
# such an expression for a timestamp that is not a date ("yesterday", line 555,562 of 1m.jsonl):
# that reset made the last run print records 444444. A failed conversion is caught into null
# instead, and a blank line is recognised before fromjson, which jq 1.6 rejects noisily for "".
jq_program='reduce inputs as $line ({records: 0, success: 0, failure: 0, slow: 0, malformed: 0};
  if ($line | test("^\\s*$")) then .
  else ($line | try fromjson catch null) as $r
  | if ($r | type) != "object" or ($r.timestamp | type) != "string" or ((try ($r.timestamp | fromdateiso8601) catch null) == null)
       or ($r.operation | type) != "string" or $r.operation == "" or ($r.status | type) != "string"
       or ((($r.duration_seconds | tonumber?) // -1) < 0)
    then .malformed += 1
    else .records += 1
    | (($r.status // "") | ascii_downcase) as $s
    | if $s == "success" then .success += 1 elif $s == "failure" then .failure += 1 else . end
    | if ((($r.duration_seconds | tonumber?) // 0) > 10) then .slow += 1 else . end end end)'
jq_runs=()
for _ in 1 2 3; do
  jq_runs+=("$(wall jq -c -nR "$jq_program" "$work/1m.jsonl" | cut -d' ' -f1)")
  jq_out=$(cat "$work/out.txt")
done
jq_s=$(printf '%s\n' "${jq_runs[@]}" | best)
# (i) is what "cold ingestion" means: the engine's first Poll of the file in a fresh process (JIT
# included), timed inside the process. Runtime start-up and the SQLite migration that the benchmark
# host runs before it are not ingestion; they are in (ii), the whole process, next to awk's whole process.
echo "-- (i) cold ingestion --"
printf '%-52s %6.0f ms  (runs: %s ms)\n' "engine, full exact summary (ingest_ms, in-process):" "$ingest_ms" "${ingest_runs[*]}"
printf '%-52s %6.0f ms  (runs: %s s; %s "slow" lines: string comparison)\n' "seed awk one-liner, slow lines only (wall):" "$(echo "$awk_s * 1000" | bc -l)" "${awk_runs[*]}" "$awk_lines"
printf '%-52s %6.2f\n' "ratio engine ingestion / awk:" "$(echo "$ingest_ms / ($awk_s * 1000)" | bc -l)"
printf '%-52s %s\n' "engine figures:" "$engine_out"
echo "-- (ii) whole process, secondary (runtime start, EF Core and SQLite migration, JIT, ingestion) --"
printf '%-52s %6.2f s   (runs: %s s; engine/awk %.2f)\n' "engine as a one-shot process (wall):" "$engine_s" "${engine_runs[*]}" "$(echo "$engine_s / $awk_s" | bc -l)"
printf '%-52s %6.2f s   (runs: %s s) %s\n' "jq, same summary (wall):" "$jq_s" "${jq_runs[*]}" "$jq_out"
printf '%-52s %.3f\n' "ratio engine whole process / jq:" "$(echo "$engine_s / $jq_s" | bc -l)"

echo "== (c) peak memory =="
printf '%-44s %s\n' "engine idle baseline (empty file):" "$(: > "$work/empty.jsonl"; bench ingest "$work/empty.jsonl")"
printf '%-44s %s\n' "engine on 1g.jsonl:" "$(bench ingest "$work/1g.jsonl")"
printf '%-44s %s\n' "engine on hugeline.jsonl (one 200 MB line):" "$(bench ingest "$work/hugeline.jsonl")"
