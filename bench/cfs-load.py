#!/usr/bin/env python3
"""cfs-load.py - one writer's operations on a directory, timed one by one.

Runs inside a lab node (bench/cfs-ops starts it): prints one JSON object
with ops/s, median and p99 latency per operation, and MiB/s for big files.
The same run against a local directory gives the side-by-side reference.
With --read-only it only times the reads of DIR/bench/c0..c<COUNT-1>, files
that exist already (bench/fuse-null serves them), and prints read_1k alone.

    cfs-load.py DIR COUNT [--read-only]
"""
import argparse
import json
import os
import statistics
import time


def timed(fn, count):
    lat = []
    start = time.perf_counter()
    for i in range(count):
        t0 = time.perf_counter()
        fn(i)
        lat.append(time.perf_counter() - t0)
    total = time.perf_counter() - start
    lat.sort()
    return {"ops": count / total, "median_ms": statistics.median(lat) * 1e3,
            "p99_ms": lat[int(len(lat) * 0.99) - 1] * 1e3}


def write_file(path, data):
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    os.write(fd, data)
    os.close(fd)


def read_measure(base, count):
    def read(i):
        fd = os.open(os.path.join(base, "c%d" % (i % count)), os.O_RDONLY)
        os.read(fd, 4096)
        os.close(fd)
    return timed(read, count * 4)


def main():
    parser = argparse.ArgumentParser(prog="cfs-load.py")
    parser.add_argument("dir")
    parser.add_argument("count", type=int)
    parser.add_argument("--read-only", action="store_true",
                        help="only read DIR/bench/c0..c<COUNT-1>, which exist")
    args = parser.parse_args()
    if args.count < 1:
        parser.error("COUNT must be 1 or more")
    root, count = args.dir, args.count
    base = os.path.join(root, "bench")
    if args.read_only:
        print(json.dumps({"read_1k": read_measure(base, count)}))
        return
    os.makedirs(base, exist_ok=True)
    kib = b"x" * 1024
    res = {}
    write_file(os.path.join(base, "over"), kib)
    res["overwrite_1k"] = timed(lambda i: write_file(os.path.join(base, "over"), kib), count)
    res["create_1k"] = timed(lambda i: write_file(os.path.join(base, "c%d" % i), kib), count)

    def temp_rename(i):
        write_file(os.path.join(base, ".tmp"), kib)
        os.rename(os.path.join(base, ".tmp"), os.path.join(base, "renamed"))
    res["temp_rename_1k"] = timed(temp_rename, count)

    res["read_1k"] = read_measure(base, count)
    res["unlink"] = timed(lambda i: os.unlink(os.path.join(base, "c%d" % i)), count)
    for size, name in ((64 * 1024, "64k"), (1024 * 1024, "1m")):
        data = b"y" * size
        n = max(4, count // (16 if size > 65536 else 2))
        r = timed(lambda i: write_file(os.path.join(base, "big%d" % (i % 4)), data), n)
        res["mibps_" + name] = r["ops"] * size / (1024 * 1024)
    for i in range(4):
        os.unlink(os.path.join(base, "big%d" % i))
    print(json.dumps(res))


if __name__ == "__main__":
    main()
