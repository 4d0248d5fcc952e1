#!/usr/bin/env bash
# Checks the `new-provider` command plugin end to end without touching this checkout: copies the package
# to a scratch directory, scaffolds a provider there (`--name Acme`), and checks that the plugin added it
# to Package.swift, that the generated files are swift-format clean, that it builds without warnings and
# that its tests pass against the simulator.
#
# Usage: .ci/check-new-provider.sh [--clean]
#
# The copy lives in a fixed scratch directory (default: $TMPDIR/vpk-new-provider-check-<uid>, or
# $NEW_PROVIDER_CHECK_DIR). Its sources are replaced on every run but its .build is kept, so only the
# first run compiles the whole package. (Copying this checkout's .build instead does not work: Swift's
# module caches and build database record absolute paths, so a copy in another directory fails or
# rebuilds everything.) --clean deletes the scratch directory first.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
work="${NEW_PROVIDER_CHECK_DIR:-${TMPDIR:-/tmp}/vpk-new-provider-check-$(id -u)}"
if [[ "${1:-}" == "--clean" ]]; then rm -rf "$work"; fi

echo "== copying the package to $work"
mkdir -p "$work"
# Everything but the build directory goes, so no earlier scaffold survives.
find "$work" -mindepth 1 -maxdepth 1 ! -name .build -exec rm -rf {} +
# Tracked and untracked-but-not-ignored files: what a clean clone would have, plus work in progress.
(
    cd "$root"
    git ls-files -z --cached --others --exclude-standard | while IFS= read -r -d '' file; do
        [[ -e "$file" ]] && printf '%s\0' "$file"
    done | tar --null -T - -cf -
) | tar -xf - -C "$work"
cd "$work"

echo "== swift package new-provider --name Acme"
swift package --allow-writing-to-package-directory new-provider --name Acme
test -f Sources/AcmeProvider/AcmeProvider.swift
test -f Tests/AcmeProviderTests/AcmeProviderTests.swift
grep -q '("AcmeProvider", \["OpenAIVideoDialect"\]),' Package.swift

echo "== swift format lint --strict (the scaffold)"
swift format lint --strict -r Sources/AcmeProvider Tests/AcmeProviderTests

log="$(mktemp)"
trap 'rm -f "$log"' EXIT
no_warnings() {
    if grep -E "(AcmeProvider|AcmeProviderTests)/[^ ]*: warning:" "$log"; then
        echo "the scaffold compiles with warnings" >&2
        exit 1
    fi
}

echo "== swift build --target AcmeProvider"
swift build --target AcmeProvider 2>&1 | tee "$log"
no_warnings

echo "== swift test --filter AcmeProviderTests"
swift test --filter AcmeProviderTests 2>&1 | tee "$log"
no_warnings
grep -Eq "Suite AcmeProviderTests passed" "$log"
echo "== new-provider scaffold OK"
