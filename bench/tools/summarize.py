#!/usr/bin/env python3
"""Joins BenchmarkDotNet's CSV reports (and the `prepare` table, if given) into the RESULTS.md tables.

Usage: python3 bench/tools/summarize.py BenchmarkDotNet.Artifacts/results [prepare.md]
"""
import csv, glob, os, re, sys

UNITS = {"ns": 1.0, "μs": 1e3, "us": 1e3, "ms": 1e6, "s": 1e9}


def ns(text):
    text = text.replace(",", "").strip()
    m = re.match(r"([\d.]+)\s*(\S+)", text)
    return float(m.group(1)) * UNITS[m.group(2)] if m else None


def size(text):
    text = text.replace(",", "").strip()
    if text in ("-", ""):
        return 0.0
    m = re.match(r"([\d.]+)\s*(\S+)", text)
    return float(m.group(1)) * {"B": 1, "KB": 1024, "MB": 1024 ** 2, "GB": 1024 ** 3}[m.group(2)]


def fmt_t(v):
    if v is None:
        return "—"
    if v < 1e3:
        return "%.0f ns" % v if v >= 100 else "%.1f ns" % v
    if v < 1e6:
        return "%.2f µs" % (v / 1e3) if v < 1e4 else "%.1f µs" % (v / 1e3)
    return "%.2f ms" % (v / 1e6)


def fmt_b(v):
    if v is None:
        return "—"
    if v < 1024:
        return "%d B" % v
    return "%.1f KB" % (v / 1024)


KNOWN = ["%s/%s" % (m, q) for m in ("seed", "small-deep", "pinn", "wide")
         for q in ("Jacobian", "Hessian", "SecondOrderJacobian", "Laplacian", "Hvp")]


def full_case(name):
    # Older configs let BenchmarkDotNet shorten long values to "head(...)tail [length]".
    m = re.match(r"(.*)\(\.\.\.\)(.*) \[(\d+)\]$", name)
    if not m:
        return name
    return next(k for k in KNOWN if k.startswith(m.group(1)) and k.endswith(m.group(2)) and len(k) == int(m.group(3)))


def load(results):
    data = {}
    for path in glob.glob(os.path.join(results, "*-report.csv")):
        cls = os.path.basename(path).split("-report")[0].split(".")[-1]
        with open(path, encoding="utf-8") as f:
            for row in csv.DictReader(f):
                data[(cls, full_case(row["Case"]), row["Method"])] = (ns(row["Mean"]), size(row.get("Allocated", "-")))
    return data


def prepare_table(path):
    rows = {}
    if not path or not os.path.exists(path):
        return rows
    for line in open(path, encoding="utf-8"):
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) >= 10 and cells[0] in ("seed", "small-deep", "pinn", "wide"):
            rows["%s/%s" % (cells[0], cells[1])] = cells
    return rows


def main():
    data = load(sys.argv[1])
    prep = prepare_table(sys.argv[2] if len(sys.argv) > 2 else None)
    cases = []
    for (cls, case, method) in data:
        if case not in cases:
            cases.append(case)
    order = {m: i for i, m in enumerate(["seed", "small-deep", "pinn", "wide"])}
    qorder = {q: i for i, q in enumerate(["Jacobian", "Hessian", "SecondOrderJacobian", "Laplacian", "Hvp"])}
    cases.sort(key=lambda c: (order[c.split("/")[0]], qorder[c.split("/")[1]]))

    g = lambda *k: data.get(k, (None, None))
    print("### Per call (one input; TorchSharp on 1 thread)\n")
    print("| model / query | TapeAD | hand-written | TorchSharp | TapeAD ÷ hand | TorchSharp ÷ TapeAD | TapeAD alloc/call | hand alloc | Torch alloc (managed) | prepare (ms) | value nodes | query nodes | backend |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    for c in cases:
        t, ta = g("PerCall", c, "TapeAD")
        h, ha = g("PerCall", c, "HandWritten")
        p, pa = g("PerCall", c, "TorchSharp")
        pr = prep.get(c)
        print("| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (
            c, fmt_t(t), fmt_t(h), fmt_t(p),
            "%.2f" % (t / h) if t and h else "—",
            ("%.0f×" % (p / t) if p / t >= 10 else "%.2f×" % (p / t)) if t and p else "—",
            fmt_b(ta), fmt_b(ha), fmt_b(pa),
            pr[5] if pr else "—", pr[6] if pr else "—", pr[7] if pr else "—", pr[9] if pr else "—"))
    print("\n### Batch of 1,024 inputs, time per input (TapeAD and hand-written: a loop of per-input calls)\n")
    print("| model / query | TapeAD | hand-written | TorchSharp 1 thread | TorchSharp 2 threads | TapeAD ÷ hand | TorchSharp(1t) ÷ TapeAD |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for c in cases:
        t, _ = g("Batch", c, "TapeAD")
        note = ""
        if t is None:
            t, _ = g("PerCall", c, "TapeAD")
            note = " ¹" if t else ""
        h, _ = g("Batch", c, "HandWritten")
        if h is None:
            h, _ = g("BatchPeersOnly", c, "HandWritten")
        p1, _ = g("Batch", c, "TorchSharp")
        if p1 is None:
            p1, _ = g("BatchPeersOnly", c, "TorchSharp")
        p2, _ = g("BatchTorch2Threads", c, "TorchSharp")
        print("| %s | %s%s | %s | %s | %s | %s | %s |" % (
            c, fmt_t(t), note, fmt_t(h), fmt_t(p1), fmt_t(p2),
            "%.2f" % (t / h) if t and h else "—",
            "%.2f" % (p1 / t) if t and p1 else "—"))


if __name__ == "__main__":
    main()
