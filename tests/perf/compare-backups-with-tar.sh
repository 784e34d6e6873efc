#!/usr/bin/env bash
# Compares the archive layer (src/OrchestrationMaint.Core/Backups) with GNU tar on the same ~200 MB
# tree of thousands of text-like files, in one run (wall seconds, best of 3, warm page cache):
#   create   SafeArchive.Create (hashes every file, fsyncs, re-reads its output to verify it)
#            vs tar -czf (gzip level 6), both at the Fastest and the Optimal level for ours;
#   inspect  SafeArchive.Inspect (CRC-32, SHA-256 of every file, all checks)
#            vs tar -xzOf | sha256sum (decompress and hash all content, one hash) and tar -tzf;
#   extract  SafeArchive.ExtractTo (one pass: every check of Inspect while writing, symlinks last)
#            vs tar -xzf into a fresh directory.
# Each tool reads its own archive; "ours on tar's archive" reads GNU tar's output too.
# Usage: tests/perf/compare-backups-with-tar.sh [WORKDIR] [MB]   (needs GNU tar, gzip, /usr/bin/time, bc; ~1 GB of disk)
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
work="${1:-$(mktemp -d)}"
megabytes="${2:-200}"
mkdir -p "$work"
cd "$repo"
dotnet build tests/OrchestrationMaint.Benchmarks -c Release -nologo -clp:ErrorsOnly >/dev/null
bench_dll="$repo/tests/OrchestrationMaint.Benchmarks/bin/Release/net10.0/OrchestrationMaint.Benchmarks.dll"
bench() { dotnet "$bench_dll" backup "$@"; }
# Wall seconds of one run of "$@" (a shell snippet), output discarded.
wall() { /usr/bin/time -f "%e" -o "$work/time.txt" bash -c "$1" >/dev/null 2>&1; cat "$work/time.txt"; }
# Best of 3; $2 runs (untimed) before each attempt, to clean up.
best() { for _ in 1 2 3; do bash -c "$2"; wall "$1"; done | sort -n | head -1; }
ratio() { echo "scale=2; $1 / $2" | bc -l; }

tree="$work/tree"
[ -d "$tree" ] || bench generate "$tree" "$megabytes"
printf 'tree: %s files, %s MB\n' "$(find "$tree" -type f | wc -l)" "$(( $(du -sb "$tree" | cut -f1) / 1048576 ))"

echo "== create =="
tar_create=$(best "tar -czf '$work/gnu.tar.gz' -C '$tree' scripts modules config" "rm -f '$work/gnu.tar.gz'")
fast_create=$(best "dotnet '$bench_dll' backup create '$tree' '$work/fast.tar.gz' fastest" "rm -f '$work/fast.tar.gz'")
optimal_create=$(best "dotnet '$bench_dll' backup create '$tree' '$work/optimal.tar.gz' optimal" "rm -f '$work/optimal.tar.gz'")
size() { echo "$(( $(stat -c %s "$1") / 1048576 )) MB"; }
printf '%-48s %6.2f s  %s\n' "tar -czf (gzip -6):" "$tar_create" "$(size "$work/gnu.tar.gz")"
printf '%-48s %6.2f s  %s\n' "SafeArchive.Create, Fastest:" "$fast_create" "$(size "$work/fast.tar.gz")"
printf '%-48s %6.2f s  %s\n' "SafeArchive.Create, Optimal:" "$optimal_create" "$(size "$work/optimal.tar.gz")"

echo "== inspect =="
tar_list=$(best "tar -tzf '$work/gnu.tar.gz'" ":")
tar_hash=$(best "tar -xzOf '$work/gnu.tar.gz' | sha256sum" ":")
ours_inspect=$(best "dotnet '$bench_dll' backup inspect '$work/fast.tar.gz'" ":")
ours_inspect_gnu=$(best "dotnet '$bench_dll' backup inspect '$work/gnu.tar.gz'" ":")
printf '%-48s %6.2f s\n' "tar -tzf (no hashes):" "$tar_list"
printf '%-48s %6.2f s\n' "tar -xzOf | sha256sum (all content, one hash):" "$tar_hash"
printf '%-48s %6.2f s\n' "SafeArchive.Inspect (a hash per file):" "$ours_inspect"
printf '%-48s %6.2f s\n' "SafeArchive.Inspect on tar's archive:" "$ours_inspect_gnu"

echo "== extract =="
tar_extract=$(best "mkdir '$work/x-gnu' && tar -xzf '$work/gnu.tar.gz' -C '$work/x-gnu'" "rm -rf '$work/x-gnu'")
ours_extract=$(best "dotnet '$bench_dll' backup extract '$work/fast.tar.gz' '$work/x-ours'" "rm -rf '$work/x-ours'")
ours_extract_gnu=$(best "dotnet '$bench_dll' backup extract '$work/gnu.tar.gz' '$work/x-ours'" "rm -rf '$work/x-ours'")
printf '%-48s %6.2f s\n' "tar -xzf:" "$tar_extract"
printf '%-48s %6.2f s\n' "SafeArchive.ExtractTo (validated, one pass):" "$ours_extract"
printf '%-48s %6.2f s\n' "SafeArchive.ExtractTo on tar's archive:" "$ours_extract_gnu"
diff -r "$work/x-gnu" "$work/x-ours" >/dev/null && echo "extracted trees identical"

echo "== ratios (ours / GNU tar; target <= 1.3) =="
printf 'create  Fastest %s, Optimal %s\n' "$(ratio "$fast_create" "$tar_create")" "$(ratio "$optimal_create" "$tar_create")"
printf 'inspect %s (on tar'"'"'s archive %s)\n' "$(ratio "$ours_inspect" "$tar_hash")" "$(ratio "$ours_inspect_gnu" "$tar_hash")"
printf 'extract %s (on tar'"'"'s archive %s)\n' "$(ratio "$ours_extract" "$tar_extract")" "$(ratio "$ours_extract_gnu" "$tar_extract")"
echo "one run of each, with memory:"
rm -f "$work/mem.tar.gz"; rm -rf "$work/x-mem"
bench create "$tree" "$work/mem.tar.gz"; bench inspect "$work/mem.tar.gz"; bench extract "$work/mem.tar.gz" "$work/x-mem"
