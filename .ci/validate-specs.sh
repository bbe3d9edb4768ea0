#!/usr/bin/env bash
# Validates every OpenAPI document in spec/ with openapi-spec-validator.
#
# The validator (a pinned version) is installed from PyPI into a private
# virtualenv under target/spec-venv-VERSION on first use (python3 -m venv + pip), so the script needs
# only python3 and network access to PyPI the first time it runs.
#
# Usage: .ci/validate-specs.sh            (from anywhere inside the repo)
# Exit status: 0 when every spec/*.yaml is valid; 1 on the first invalid one.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"

# Pinned: a new release may judge the same document differently.
validator_version="0.9.0"
venv="target/spec-venv-$validator_version"
validator="$venv/bin/openapi-spec-validator"

if [[ ! -x "$validator" ]]; then
    echo "installing openapi-spec-validator into $venv" >&2
    python3 -m venv "$venv"
    "$venv/bin/python" -m pip install --quiet --upgrade pip
    "$venv/bin/python" -m pip install --quiet "openapi-spec-validator==$validator_version"
fi

shopt -s nullglob
specs=(spec/*.yaml)
if [[ ${#specs[@]} -eq 0 ]]; then
    echo "error: no spec/*.yaml files found in $repo_root" >&2
    exit 1
fi

for spec in "${specs[@]}"; do
    if ! "$validator" "$spec"; then
        echo "error: $spec is not a valid OpenAPI document" >&2
        exit 1
    fi
done

echo "all ${#specs[@]} specs valid"
