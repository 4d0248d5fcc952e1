#!/usr/bin/env bash
# Builds the core's DocC catalog with warnings as errors: every symbol link resolves, every public
# parameter of a documented function is documented. docc ships with the toolchain.
set -euo pipefail
cd "$(dirname "$0")/.."

out=$(swift package dump-symbol-graph --minimum-access-level public 2>&1 | tail -n 1)
graphs=${out#Files written to }
if [[ ! -f "$graphs/VideoProviderKit.symbols.json" ]]; then
    echo "dump-symbol-graph did not write VideoProviderKit.symbols.json: $out" >&2
    exit 1
fi
symbols=.build/docc-symbols
mkdir -p .build/docc
rm -rf "$symbols" .build/docc/VideoProviderKit.doccarchive && mkdir -p "$symbols"
cp "$graphs"/VideoProviderKit.symbols.json "$symbols"/
for extension in "$graphs"/VideoProviderKit@*.symbols.json; do
    [[ -e "$extension" ]] && cp "$extension" "$symbols"/
done

docc convert Sources/VideoProviderKit/VideoProviderKit.docc \
    --additional-symbol-graph-dir "$symbols" \
    --warnings-as-errors \
    --fallback-display-name VideoProviderKit \
    --fallback-bundle-identifier org.videoproviderkit.VideoProviderKit \
    --output-path .build/docc/VideoProviderKit.doccarchive
echo "DocC: VideoProviderKit.doccarchive built with no warnings"
