#!/usr/bin/env python3
"""Times `tapead derive` (whole process, as a user runs it) on the same inputs for each query, from the
ONNX export and from its JSON twin (same weights), and prints a Markdown table.
Issue 11's Done-when: ONNX within 1.2x of JSON on 20,000 inputs. Also checks the two outputs agree.
The tool is what `dotnet tool install` gives on this machine: `dotnet publish -c Release -r RID` of
src/Cli, precompiled (ReadyToRun) as the RID's tool package is, into WORK/tapead (--no-build reuses it).

Usage (from the repository root):
  python3 bench/tools/derive_timing.py [--count 20000] [--count-for wide=2000] [--models pinn,wide]
      [--queries value,gradient,jacobian,hessian,hvp,diag,laplacian] [--timeout 600] [--no-build]
      [--models-dir DIR] [--work DIR]
The models come from shared/models/bench (found walking up from the working directory, or
--models-dir / TAPEAD_BENCH_MODELS). Inputs are deterministic (seed 12345), uniform in [-1, 1].
"""
import argparse, os, random, subprocess, sys, time

MODELS = {"pinn": ("pinn_f64.onnx", "pinn.json", 8), "wide": ("wide_f64.onnx", "wide.json", 16)}
QUERIES = ["value", "gradient", "jacobian", "hessian", "hvp", "diag", "laplacian"]


def models_dir(given):
    if given:
        return given
    if os.environ.get("TAPEAD_BENCH_MODELS"):
        return os.environ["TAPEAD_BENCH_MODELS"]
    d = os.path.abspath(os.getcwd())
    while True:
        candidate = os.path.join(d, "shared", "models", "bench")
        if os.path.isdir(candidate):
            return candidate
        parent = os.path.dirname(d)
        if parent == d:
            sys.exit("no shared/models/bench above the working directory; pass --models-dir")
        d = parent


def write_rows(path, count, width, seed):
    rng = random.Random(seed)
    with open(path, "w") as f:
        for _ in range(count):
            f.write(",".join(repr(2 * rng.random() - 1) for _ in range(width)) + "\n")


def host_rid():
    """The runtime identifier of this machine, as `dotnet --info` names it (e.g. linux-x64)."""
    info = subprocess.run(["dotnet", "--info"], check=True, capture_output=True, text=True).stdout
    for line in info.splitlines():
        if line.strip().startswith("RID:"):
            return line.split(":", 1)[1].strip()
    sys.exit("dotnet --info names no RID")


def run(tapead, model, query, inputs, vectors, out, timeout):
    cmd = ["dotnet", tapead, "derive", "--model", model, "--query", query, "--inputs", inputs, "--out", out]
    if query == "gradient":
        cmd += ["--output-index", "0"]
    if query == "hvp":
        cmd += ["--vectors", vectors]
    start = time.perf_counter()
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return None, "timeout"
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit("failed (%d): %s\n%s" % (done.returncode, " ".join(cmd), done.stderr))
    return seconds, None


def largest_difference(a_path, b_path):
    """Largest relative difference, floored at 1e-3 of the line's largest magnitude (as the bench's checks)."""
    worst = 0.0
    with open(a_path) as a, open(b_path) as b:
        for la, lb in zip(a, b, strict=True):
            xa = [float(v) for v in la.split(",")]
            xb = [float(v) for v in lb.split(",")]
            scale = max(abs(v) for v in xa)
            for u, v in zip(xa, xb, strict=True):
                denom = max(abs(u), abs(v), 1e-3 * scale)
                worst = max(worst, 0.0 if denom == 0 else abs(u - v) / denom)
    return worst


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--count", type=int, default=20000)
    p.add_argument("--count-for", action="append", default=[], help="MODEL=N, e.g. wide=2000")
    p.add_argument("--models", default="pinn,wide")
    p.add_argument("--queries", default=",".join(QUERIES))
    p.add_argument("--timeout", type=float, default=600)
    p.add_argument("--no-build", action="store_true")
    p.add_argument("--models-dir")
    p.add_argument("--work", default="/tmp/tapead-derive-timing")
    args = p.parse_args()
    counts = {m: args.count for m in MODELS}
    for item in args.count_for:
        name, n = item.split("=")
        counts[name] = int(n)
    folder = models_dir(args.models_dir)
    os.makedirs(args.work, exist_ok=True)
    published = os.path.join(args.work, "tapead")
    if not args.no_build:
        subprocess.run(["dotnet", "publish", "src/Cli", "-c", "Release", "-r", host_rid(), "-o", published, "-v", "q", "-nologo"],
                       check=True, capture_output=True)
    tapead = os.path.join(published, "tapead.dll")
    if not os.path.exists(tapead):
        sys.exit("%s: no published tapead; run once without --no-build" % tapead)
    with open("/proc/loadavg") as f:
        print("load average at start: " + f.read().strip())
    print("| model | query | inputs | ONNX s | JSON s | ONNX ÷ JSON | largest difference |")
    print("|---|---|---:|---:|---:|---:|---:|")
    for name in args.models.split(","):
        onnx_file, json_file, width = MODELS[name]
        count = counts[name]
        inputs = os.path.join(args.work, "%s-%d-x.csv" % (name, count))
        vectors = os.path.join(args.work, "%s-%d-v.csv" % (name, count))
        write_rows(inputs, count, width, 12345)
        write_rows(vectors, count, width, 54321)
        for query in args.queries.split(","):
            times, outs = [], []
            for source in (onnx_file, json_file):
                out = os.path.join(args.work, "%s-%s-%s.csv" % (name, query, source))
                seconds, failure = run(tapead, os.path.join(folder, source), query, inputs, vectors, out, args.timeout)
                times.append(seconds)
                outs.append(out if failure is None else None)
            onnx_s, json_s = times
            fmt = lambda s: "> %.0f" % args.timeout if s is None else "%.2f" % s
            ratio = "—" if onnx_s is None or json_s is None else "%.2f" % (onnx_s / json_s)
            diff = "—" if None in outs else "%.0e" % largest_difference(*outs)
            print("| %s | %s | %d | %s | %s | %s | %s |" % (name, query, count, fmt(onnx_s), fmt(json_s), ratio, diff), flush=True)
    with open("/proc/loadavg") as f:
        print("load average at end: " + f.read().strip())


if __name__ == "__main__":
    main()
