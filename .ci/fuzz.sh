#!/usr/bin/env bash
# Builds the libFuzzer targets under Tests/Fuzz and runs each for a bounded time (docs/fuzzing.md).
#
# Usage: .ci/fuzz.sh [--seconds N] [--target NAME]... [--jobs N] [--list]
#
#   --seconds N   how long each target runs (default 20)
#   --target NAME run only this target (repeatable); default: every directory in Tests/Fuzz but Shared/Corpus
#   --jobs N      how many compiles and fuzz runs go in parallel (default: the number of cores)
#   --list        print the target names and exit
#
# The library modules are compiled with swiftc directly (SwiftPM has no way to add coverage instrumentation
# to a few modules and link a libFuzzer `main`), module by module into .build-fuzz/, and reused while their
# sources and flags are unchanged. Each target runs on a scratch corpus in .build-fuzz/corpus/<target>
# (libFuzzer only reads the committed seeds in Tests/Fuzz/Corpus/<target>). The script fails when any
# target crashes, times out, runs out of memory or leaks.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
exec </dev/null

seconds=20
jobs="$(nproc 2>/dev/null || echo 2)"
targets=()
list=false
while (($#)); do
    case "$1" in
        --seconds) seconds="$2"; shift 2 ;;
        --target) targets+=("$2"); shift 2 ;;
        --jobs) jobs="$2"; shift 2 ;;
        --list) list=true; shift ;;
        *) echo "fuzz.sh: unknown argument '$1' (see the header of .ci/fuzz.sh)" >&2; exit 2 ;;
    esac
done

all_targets=()
for dir in Tests/Fuzz/*/; do
    name="$(basename "$dir")"
    [[ "$name" == Shared || "$name" == Corpus ]] && continue
    all_targets+=("$name")
done
if $list; then printf '%s\n' "${all_targets[@]}"; exit 0; fi
((${#targets[@]})) || targets=("${all_targets[@]}")
for target in "${targets[@]}"; do
    [[ -f "Tests/Fuzz/$target/main.swift" ]] || { echo "fuzz.sh: no target '$target' in Tests/Fuzz" >&2; exit 2; }
done

out="$root/.build-fuzz"
obj="$out/modules"
mkdir -p "$obj" "$out/bin" "$out/logs" "$out/corpus" "$out/artifacts"

# The package's swiftSettings and language mode, plus coverage instrumentation and ASan. -O because
# throughput matters more than compile time here; Swift keeps its bounds and overflow traps at -O.
# -enable-testing lets the harnesses reach internal parsers with @testable import. -package-name stands in
# for the one SwiftPM passes, so `package` declarations shared between the targets resolve.
flags=(
    -swift-version 6 -O -parse-as-library -sanitize=fuzzer,address -enable-testing -package-name videoproviderkit
    -enable-upcoming-feature ExistentialAny -enable-upcoming-feature InternalImportsByDefault
    -enable-upcoming-feature MemberImportVisibility
)

# Vendor modules and the dialect each needs, read from Package.swift's `vendorTargets` table so a new
# vendor is compiled without editing this script.
declare -A deps=(
    [VideoProviderKit]=""
    [KyyReactDialect]="VideoProviderKit"
    [XAIVideoDialect]="VideoProviderKit"
    [OpenAIVideoDialect]="VideoProviderKit XAIVideoDialect"
    [VideoProviderTesting]="VideoProviderKit"
)
vendors=()
while IFS= read -r line; do
    if [[ "$line" =~ ^[[:space:]]*\(\"([A-Za-z0-9]+)\",[[:space:]]*\[([^]]*)\]\), ]]; then
        vendor="${BASH_REMATCH[1]}"
        vendors+=("$vendor")
        deps[$vendor]="VideoProviderKit $(tr -d '",' <<<"${BASH_REMATCH[2]}")"
    fi
done < <(sed -n '/^let vendorTargets/,/^]/p' Package.swift)
# Dependency order: each wave only needs modules of earlier waves.
waves=("VideoProviderKit" "KyyReactDialect XAIVideoDialect VideoProviderTesting" "OpenAIVideoDialect" "${vendors[*]}")

# A module's cache key: the compiler, the flags, its sources and the keys of the modules it imports.
swift_version="$(swiftc --version 2>&1)"
module_key() {
    local module="$1" dep
    {
        echo "$swift_version ${flags[*]}"
        find "Sources/$module" -name '*.swift' -print0 | sort -z | xargs -0 sha256sum
        [[ "$module" == VideoProviderKit ]] && cat Sources/CCurlLoader/include/CCurlLoader.h
        for dep in ${deps[$module]}; do cat "$obj/$dep.key"; done
    } | sha256sum | cut -d' ' -f1
}

compile_module() {
    local module="$1" key
    key="$(module_key "$module")"
    if [[ -f "$obj/$module.o" && "$(cat "$obj/$module.key" 2>/dev/null)" == "$key" ]]; then return 0; fi
    rm -f "$obj/$module.key"
    local sources=()
    mapfile -d '' sources < <(find "Sources/$module" -name '*.swift' -print0 | sort -z)
    swiftc "${flags[@]}" -wmo -module-name "$module" -I "$obj" \
        -emit-module -emit-module-path "$obj/$module.swiftmodule" -emit-object -o "$obj/$module.o" \
        "${sources[@]}" >"$out/logs/$module.compile.log" 2>&1 || {
        cat "$out/logs/$module.compile.log" >&2
        echo "fuzz.sh: compiling $module failed" >&2
        return 1
    }
    echo "$key" >"$obj/$module.key"
    echo "   compiled $module"
}

# Runs "$@" for each word of a list with at most $jobs at a time; fails if any failed.
parallel() {
    local fn="$1" item failed=0
    shift
    for item in "$@"; do
        while (($(jobs -rp | wc -l) >= jobs)); do wait -n || failed=1; done
        "$fn" "$item" &
    done
    while (($(jobs -rp | wc -l) > 0)); do wait -n || failed=1; done
    return "$failed"
}

start=$SECONDS
echo "== compiling library modules (cached in .build-fuzz/modules)"
# The core imports CCurlLoader, our C target that loads libcurl at run time: compile it with the
# toolchain's clang and give swiftc a module map for its header, as SwiftPM does.
ccurl="$obj/CCurlLoader"
mkdir -p "$ccurl"
printf 'module CCurlLoader {\n    header "%s"\n    export *\n}\n' "$root/Sources/CCurlLoader/include/CCurlLoader.h" \
    >"$ccurl/module.modulemap"
clang="$(dirname "$(command -v swiftc)")/clang"
"$clang" -c -O1 -fPIC -I Sources/CCurlLoader/include Sources/CCurlLoader/CCurlLoader.c -o "$obj/CCurlLoader.o" || {
    echo "fuzz.sh: compiling CCurlLoader failed" >&2
    exit 1
}
flags+=(-I "$ccurl")
for wave in "${waves[@]}"; do
    read -ra wave_modules <<<"$wave"
    parallel compile_module "${wave_modules[@]}"
done
module_objects=("$obj"/CCurlLoader.o "$obj"/VideoProviderKit.o "$obj"/KyyReactDialect.o "$obj"/XAIVideoDialect.o
    "$obj"/OpenAIVideoDialect.o "$obj"/VideoProviderTesting.o -ldl)
for vendor in "${vendors[@]}"; do module_objects+=("$obj/$vendor.o"); done

# A target is its main.swift plus the shared helpers, linked against every module (unused objects cost
# nothing but link time, and one link line keeps adding a target trivial). The `*-responses` targets also
# share their entry point (Tests/Fuzz/Shared/Responses): their main.swift only names the provider.
link_target() {
    local target="$1" key module
    local sources=("Tests/Fuzz/$target/main.swift" Tests/Fuzz/Shared/*.swift)
    if [[ "$target" == *-responses ]]; then sources+=(Tests/Fuzz/Shared/Responses/*.swift); fi
    key="$( {
        for module in "${!deps[@]}"; do cat "$obj/$module.key"; done | sort
        echo "${flags[*]}"
        cat "${sources[@]}"
    } | sha256sum | cut -d' ' -f1)"
    if [[ -x "$out/bin/$target" && "$(cat "$out/bin/$target.key" 2>/dev/null)" == "$key" ]]; then return 0; fi
    rm -f "$out/bin/$target.key"
    swiftc "${flags[@]}" -module-name "$(tr -cd '[:alnum:]' <<<"$target")Fuzz" -I "$obj" \
        "${sources[@]}" "${module_objects[@]}" \
        -o "$out/bin/$target" >"$out/logs/$target.link.log" 2>&1 || {
        cat "$out/logs/$target.link.log" >&2
        echo "fuzz.sh: building target $target failed" >&2
        return 1
    }
    echo "$key" >"$out/bin/$target.key"
    echo "   built $target"
}
echo "== building fuzz targets"
parallel link_target "${targets[@]}"
echo "   build took $((SECONDS - start)) s"

# One bounded run; the summary line goes to .build-fuzz/logs/<target>.result.
run_target() {
    local target="$1"
    local log="$out/logs/$target.log" seeds="Tests/Fuzz/Corpus/$target" extra=() rc=0
    mkdir -p "$out/corpus/$target" "$out/artifacts/$target" "$seeds"
    # Per-target libFuzzer flags (a -dict=, -detect_leaks=0), one a line, `#` comments.
    if [[ -f "Tests/Fuzz/$target/options" ]]; then
        mapfile -t extra < <(grep -v '^[[:space:]]*\(#\|$\)' "Tests/Fuzz/$target/options")
    fi
    # Without SWIFT_BACKTRACE=enable=no the Swift backtracer can hang after a crash.
    SWIFT_BACKTRACE=enable=no "$out/bin/$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
        -print_final_stats=1 -artifact_prefix="$out/artifacts/$target/" "${extra[@]}" \
        "$out/corpus/$target" "$seeds" >"$log" 2>&1 || rc=$?
    local done_line runs secs cov ft corp result
    done_line="$(grep -E '^#[0-9]+[[:space:]]+DONE' "$log" | tail -1 || true)"
    runs="$(sed -nE 's/^stat::number_of_executed_units: *([0-9]+)/\1/p' "$log" | tail -1)"
    secs="$(sed -nE 's/^Done [0-9]+ runs in ([0-9]+) second.*/\1/p' "$log" | tail -1)"
    cov="$(sed -nE 's/.* cov: ([0-9]+).*/\1/p' <<<"$done_line")"
    ft="$(sed -nE 's/.* ft: ([0-9]+).*/\1/p' <<<"$done_line")"
    corp="$(sed -nE 's/.* corp: ([0-9]+\/[0-9]+[a-zA-Z]*).*/\1/p' <<<"$done_line")"
    if ((rc == 0)); then
        result=ok
    elif grep -q 'ERROR: libFuzzer: timeout' "$log"; then
        result="FAIL (timeout)"
    elif grep -q 'ERROR: libFuzzer: out-of-memory' "$log"; then
        result="FAIL (out of memory)"
    elif grep -q 'ERROR: LeakSanitizer' "$log"; then
        result="FAIL (leak)"
    else
        result="FAIL (crash, exit $rc)"
    fi
    if ((rc != 0)); then
        local artifact
        artifact="$(sed -nE 's/.*Test unit written to (.*)/\1/p' "$log" | tail -1)"
        result+=" ${artifact:+input: ${artifact#"$root/"}, }log: ${log#"$root/"}"
    fi
    printf '%-28s %10s %6s %6s %7s %14s  %s\n' "$target" "${runs:-?}" "${secs:-?}" "${cov:-?}" "${ft:-?}" \
        "${corp:-?}" "$result" >"$out/logs/$target.result"
    [[ "$result" == ok ]]
}

echo "== fuzzing each target for $seconds s ($jobs at a time)"
failed=0
parallel run_target "${targets[@]}" || failed=1
printf '%-28s %10s %6s %6s %7s %14s  %s\n' target execs secs cov ft corpus result
for target in "${targets[@]}"; do cat "$out/logs/$target.result"; done
echo "   total $((SECONDS - start)) s"
if ((failed)); then
    echo "fuzz.sh: a target failed; reproduce with .build-fuzz/bin/<target> <input> (docs/fuzzing.md)" >&2
    exit 1
fi
