#!/usr/bin/env python3
"""Sustained load for the swarm test: C callers POST /invoke (or GET /healthz) in a loop for S seconds.

Writes a JSON summary to --out: calls, statuses, latency p50/p99 (ms), calls per second, and every failed
call (time, status, content type, body prefix), so the test can judge each error and report them.
Standard library only.
"""
import argparse
import http.client
import json
import ssl
import threading
import time
import urllib.parse


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", required=True, help="base URL, e.g. https://192.168.240.11:8443")
    parser.add_argument("--cacert", help="PEM certificate(s) to trust for an https:// URL (default: the system's)")
    parser.add_argument("--key", required=True, help="API key (Bearer)")
    parser.add_argument("--function", help="version id to invoke, e.g. hello-1")
    parser.add_argument("--floor", action="store_true",
                        help="GET /healthz instead of invoking: the HTTP path's own cost, for comparison")
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--expect", help="the body every 200 must have; another is counted as a failure")
    parser.add_argument("--out", required=True)
    args = parser.parse_args()

    target = urllib.parse.urlsplit(args.url)
    tls = ssl.create_default_context(cafile=args.cacert) if target.scheme == "https" else None
    if not args.floor and not args.function:
        parser.error("--function is required unless --floor")
    method, path = ("GET", "/healthz") if args.floor else ("POST", "/invoke")
    body = None if args.floor else json.dumps({"name": args.function, "params": {"name": "swarm"}}).encode()
    headers = {"Content-Type": "application/json", "Authorization": "Bearer " + args.key}
    started = time.monotonic()
    deadline = started + args.seconds
    lock = threading.Lock()
    latencies, failures, statuses, per_second = [], [], {}, {}

    def caller():
        connection = None
        while time.monotonic() < deadline:
            began = time.monotonic()
            status, content_type, text = None, "", ""
            try:
                if connection is None:
                    connection = (http.client.HTTPSConnection(target.hostname, target.port, timeout=30, context=tls)
                                  if tls else http.client.HTTPConnection(target.hostname, target.port, timeout=30))
                connection.request(method, path, body=body, headers=headers)
                response = connection.getresponse()
                status = response.status
                content_type = response.getheader("Content-Type", "")
                text = response.read().decode("utf-8", "replace")
                if response.getheader("Connection", "").lower() == "close":
                    connection.close()
                    connection = None
            except (OSError, http.client.HTTPException) as e:
                text = "%s: %s" % (type(e).__name__, e)
                if connection is not None:
                    connection.close()
                connection = None
            ended = time.monotonic()
            with lock:
                if status == 200 and args.expect is not None and text != args.expect:
                    status = "200-unexpected-body"
                key = str(status) if status is not None else "connection-error"
                statuses[key] = statuses.get(key, 0) + 1
                second = int(began - started)
                per_second[second] = per_second.get(second, 0) + 1
                if status == 200:
                    latencies.append((ended - began) * 1000)
                else:
                    failures.append({"at_s": round(began - started, 3), "status": status,
                                     "content_type": content_type, "body": text[:300]})
        if connection is not None:
            connection.close()

    threads = [threading.Thread(target=caller) for _ in range(args.concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    latencies.sort()

    def percentile(p):
        return round(latencies[min(len(latencies) - 1, int(p * len(latencies)))], 2) if latencies else None

    summary = {
        "calls": sum(statuses.values()),
        "ok": statuses.get("200", 0),
        "statuses": statuses,
        "seconds": round(elapsed, 2),
        "throughput_per_s": round(sum(statuses.values()) / elapsed, 1),
        "p50_ms": percentile(0.50),
        "p99_ms": percentile(0.99),
        "per_second": [per_second.get(s, 0) for s in range(int(elapsed) + 1)],
        "failures": failures,
    }
    with open(args.out, "w") as out:
        json.dump(summary, out, indent=1)


if __name__ == "__main__":
    main()
