#!/usr/bin/env bash
# Vendor the CSS/JS that Great Expectations' Data Docs load from public CDNs into
# expectations/data_docs_assets/, so Data Docs render fully on a network with no internet
# (expectations/data_docs.py serves them locally).  Run by hand when GX changes its
# templates' asset list (tests/expectations/test_data_docs_offline.py says so); needs npm.
set -euo pipefail
cd "$(dirname "$0")/.."
out=expectations/data_docs_assets
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# package@version  files to keep (relative to the package root)
assets=(
  "jquery@3.7.1 dist/jquery.min.js"
  "popper.js@1.12.9 dist/umd/popper.min.js"
  "bootstrap@4.3.1 dist/css/bootstrap.min.css dist/js/bootstrap.min.js"
  "bootstrap-table@1.19.1 dist/bootstrap-table.min.css dist/bootstrap-table.min.js dist/extensions/filter-control/bootstrap-table-filter-control.min.css dist/extensions/filter-control/bootstrap-table-filter-control.min.js"
  "bootstrap-datepicker@1.9.0 dist/css/bootstrap-datepicker.min.css dist/js/bootstrap-datepicker.min.js"
  "@forevolve/bootstrap-dark@1.1.0 dist/css/bootstrap-prefers-dark.min.css"
  "@fortawesome/fontawesome-free@6.6.0 css/all.min.css webfonts/fa-brands-400.woff2 webfonts/fa-regular-400.woff2 webfonts/fa-solid-900.woff2 webfonts/fa-v4compatibility.woff2"
  "vega@5.33.1 build/vega.min.js"
  "vega-lite@5.23.0 build/vega-lite.min.js"
  "vega-embed@6.29.0 build/vega-embed.min.js"
)
rm -rf "$out"
mkdir -p "$out"
echo "# npm package@version, sha256 of its npm tarball, licence (scripts/vendor_data_docs_assets.sh)" >"$out/SOURCES.txt"
for entry in "${assets[@]}"; do
  read -r spec files <<<"$entry"
  name=${spec%@*}
  version=${spec##*@}
  folder="$out/${name//\//-}@$version"
  tarball=$(cd "$work" && npm pack --silent "$spec" | tail -1)
  mkdir -p "$work/$tarball.d" && tar xzf "$work/$tarball" -C "$work/$tarball.d"
  for file in $files; do
    mkdir -p "$folder/$(dirname "$file")"
    cp "$work/$tarball.d/package/$file" "$folder/$file"
  done
  license=$(ls "$work/$tarball.d/package" | grep -i -m1 '^licen[cs]e' || true)
  [[ -n "$license" ]] && cp "$work/$tarball.d/package/$license" "$folder/LICENSE"
  license_id=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1])).get(\"license\", \"?\"))" "$work/$tarball.d/package/package.json")
  printf '%s %s license=%s\n' "$spec" "$(sha256sum "$work/$tarball" | cut -d' ' -f1)" "$license_id" >>"$out/SOURCES.txt"
done
du -sh "$out"
