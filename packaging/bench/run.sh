#!/usr/bin/env bash
# Emits the benchmark's queries with tapead, then times them under the JIT and NativeAOT and prints
# the start-up of a process making its first call and the NativeAOT binary's size. Indicative only.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"; root="$here/../.."
gen="$here/obj/Generated"; mkdir -p "$gen"
dotnet build "$root/src/Cli" -c Release -v quiet
tapead() { dotnet "$root/src/Cli/bin/Release/net10.0/tapead.dll" "$@"; }
tapead emit --model builtin:seed --query diag --namespace Generated --class SeedDiag --out "$gen/SeedDiag.cs"
tapead emit --model builtin:seed --query hessian --namespace Generated --class SeedHessian --out "$gen/SeedHessian.cs"
tapead emit --model builtin:pinn --query gradient --namespace Generated --class PinnGradient --out "$gen/PinnGradient.cs"
tapead emit --model builtin:pinn --query laplacian --namespace Generated --class PinnLaplacian --out "$gen/PinnLaplacian.cs"
ls -l "$gen"
dotnet publish "$here" -c Release -r linux-x64 -p:PublishAot=false -p:SelfContained=false -o "$here/bin/jit" -v quiet
dotnet publish "$here" -c Release -r linux-x64 -p:PublishAot=true -o "$here/bin/aot" -v quiet
echo "== JIT"; "$here/bin/jit/EmitBench" table
echo "== NativeAOT"; "$here/bin/aot/EmitBench" table
echo "== NativeAOT binary: $(stat -c %s "$here/bin/aot/EmitBench") bytes"
for c in "seed diag" "pinn laplacian"; do
    for m in first first-lib; do
        for kind in jit aot; do
            best=999999
            for i in 1 2 3 4 5; do
                s=$(date +%s%N); "$here/bin/$kind/EmitBench" $m "$c" > /dev/null; e=$(date +%s%N)
                t=$(( (e - s) / 1000000 )); (( t < best )) && best=$t
            done
            echo "start-up $kind $m '$c': ${best} ms (best of 5, whole process)"
        done
    done
done
