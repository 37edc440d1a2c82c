#!/usr/bin/env bash
# The packages as a user gets them: pack into a local folder, then build fresh projects outside the
# solution that reference only those packages (packaging/): the README's examples in a console app,
# the README's FsCheck properties in an xUnit project, the tapead tool installed from the folder,
# and a NativeAOT app whose emitted model must give the same bits as a JIT run of the library.
# Each step's time goes to stderr. Needs clang and zlib1g-dev for NativeAOT (.ci/run installs them).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d /tmp/tapead-consumer.XXXXXX)"
trap 'rm -rf "$work"' EXIT
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
step() { echo "== $(date +%T) $*" >&2; }

# A version of its own per run: the NuGet cache never serves an older build of the same number.
version="$(sed -n 's:.*<VersionPrefix>\(.*\)</VersionPrefix>.*:\1:p' "$root/src/Directory.Build.props")-consumer.$(date +%s)"
feed="$work/feed"
step "pack $version"
dotnet pack "$root/TapeAD.sln" -c Release -o "$feed" -p:VersionSuffix="${version#*-}" -v quiet
# The tool is a pointer package and one package per RID (ReadyToRun for linux-x64, `any` elsewhere); the
# symbols are in the RID packages.
for id in TapeAD TapeAD.Runtime TapeAD.Tape TapeAD.Compiler TapeAD.Nn TapeAD.Layers TapeAD.Onnx TapeAD.Testing TapeAD.Cli TapeAD.Cli.linux-x64 TapeAD.Cli.any; do
    test -f "$feed/$id.$version.nupkg" || { echo "missing package $id.$version.nupkg" >&2; exit 1; }
done
for id in TapeAD.Runtime TapeAD.Tape TapeAD.Compiler TapeAD.Nn TapeAD.Layers TapeAD.Onnx TapeAD.Testing TapeAD.Cli.linux-x64 TapeAD.Cli.any; do
    test -f "$feed/$id.$version.snupkg" || { echo "missing symbols package $id.$version.snupkg" >&2; exit 1; }
done

cp -r "$root/packaging/consumer" "$root/packaging/aot" "$work/"
# The local folder on top of the machine's own package sources (which serve xunit, FsCheck, ...).
cat > "$work/nuget.config" <<XML
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <add key="local" value="$feed" />
  </packageSources>
</configuration>
XML
props=(-p:TapeADVersion="$version")

step "console app: the README's examples"
dotnet run --project "$work/consumer/App" -c Release "${props[@]}"

step "xUnit project: the README's FsCheck properties"
dotnet test "$work/consumer/Tests" -c Release "${props[@]}"

step "tool: dotnet tool install from the folder, tapead derive"
dotnet tool install TapeAD.Cli --tool-path "$work/tools" --add-source "$feed" --version "$version"
if [ "$(uname -sm)" = "Linux x86_64" ]; then
    test -d "$work/tools/.store/tapead.cli/$version/tapead.cli.linux-x64" \
        || { echo "dotnet tool install did not pick the ReadyToRun package TapeAD.Cli.linux-x64" >&2; exit 1; }
fi
printf '0.5,-0.3,0.8,-1.2,0.1\n0,0,0,0,0\n' > "$work/x.csv"
"$work/tools/tapead" derive --model builtin:seed --query diag --inputs "$work/x.csv" --out "$work/y.csv"
test "$(wc -l < "$work/y.csv")" -eq 2 && test "$(head -1 "$work/y.csv" | tr ',' '\n' | wc -l)" -eq 15 \
    || { echo "tapead derive: expected 2 lines of 15 numbers, got:" >&2; cat "$work/y.csv" >&2; exit 1; }

step "NativeAOT: publish the app using emitted code, compare with the JIT"
# PublishAot also turns dynamic code off for a JIT run; PublishAot=false gives the library its FEC delegates.
dotnet run --project "$work/aot" -c Release "${props[@]}" -p:TapeADTool="$work/tools/tapead" -p:PublishAot=false > "$work/jit.txt"
dotnet publish "$work/aot" -c Release -r linux-x64 "${props[@]}" -p:TapeADTool="$work/tools/tapead" -o "$work/aot-bin" -v quiet
"$work/aot-bin/Aot" > "$work/aot.txt"
cmp "$work/jit.txt" "$work/aot.txt" || { echo "NativeAOT results differ from the JIT's" >&2; exit 1; }
echo "NativeAOT binary: $(stat -c %s "$work/aot-bin/Aot") bytes; $(wc -l < "$work/aot.txt") inputs with the JIT's bits" >&2
step "consumer test passed"
