#!/usr/bin/env python3
"""How fast a change made through one node reaches the others, for the swarm test. Prints JSON.

  propagation.py keys   CREATOR USER REVOKER ADMIN_KEY
      creates an invoke key through CREATOR, uses it through USER, revokes it through REVOKER, then watches
      CREATOR and USER (a thread each, every 20 ms) for the first 401: creator_401_ms, user_401_ms.
  propagation.py delete DELETER WATCHED1 WATCHED2 KEY VERSION
      deletes the version's function through DELETER, then watches the other two for the first 404 of VERSION
      and the first /metrics with no warm or busy instance: per watched URL, 404_ms and instances_gone_ms
      (and what it answered before the 404). Times count from the change's answer; the change's own duration
      is in revoke_answered_ms / delete_answered_ms. Standard library only.
"""
import http.client
import json
import sys
import threading
import time
import urllib.parse

WATCH_SECONDS = 5


def request(base, method, path, key, body=None):
    url = urllib.parse.urlsplit(base)
    connection = http.client.HTTPConnection(url.hostname, url.port, timeout=5)
    try:
        connection.request(method, path, body=body,
                           headers={"Authorization": "Bearer " + key, "Content-Type": "application/json"})
        response = connection.getresponse()
        return response.status, response.read().decode()
    finally:
        connection.close()


def timed(call):
    """Runs call(); returns its result, the moment it answered and how long it took (ms)."""
    sent = time.monotonic()
    result = call()
    answered = time.monotonic()
    return result, answered, round((answered - sent) * 1000)


def watch_all(bases, watch):
    threads = [threading.Thread(target=watch, args=(base,)) for base in bases]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def keys(creator, user, revoker, admin):
    status, text = request(creator, "POST", "/admin/keys", admin,
                           json.dumps({"role": "invoke", "description": "swarm-test"}))
    created = json.loads(text)
    result = {"create_status": status,
              "first_use_status": request(user, "GET", "/functions", created["key"])[0]}
    (status, _), revoked, result["revoke_answered_ms"] = timed(
        lambda: request(revoker, "DELETE", "/admin/keys/" + created["id"], admin))
    result["revoke_status"] = status
    names = {creator: "creator_401_ms", user: "user_401_ms"}

    def watch(base):
        while time.monotonic() - revoked < WATCH_SECONDS:
            elapsed = round((time.monotonic() - revoked) * 1000)
            if request(base, "GET", "/functions", created["key"])[0] == 401:
                result[names[base]] = elapsed
                return
            time.sleep(0.02)

    watch_all([creator, user], watch)
    return result


def instances(base, key):
    _, text = request(base, "GET", "/metrics", key)
    return sum(float(line.rsplit(" ", 1)[1]) for line in text.splitlines()
               if line.startswith("faas_instances{") and ('state="warm"' in line or 'state="busy"' in line))


def delete(deleter, watched, key, version):
    name = version.rsplit("-", 1)[0]
    invoke = json.dumps({"name": version, "params": {"name": "swarm"}})
    result = {base: {"before": instances(base, key), "before_404": []} for base in watched}
    (status, _), deleted, result["delete_answered_ms"] = timed(
        lambda: request(deleter, "DELETE", "/functions/" + name, key))
    result["delete_status"] = status

    def watch(base):
        seen = result[base]
        while time.monotonic() - deleted < WATCH_SECONDS and not ("404_ms" in seen and "instances_gone_ms" in seen):
            elapsed = round((time.monotonic() - deleted) * 1000)
            if "404_ms" not in seen:
                status, text = request(base, "POST", "/invoke", key, invoke)
                if status == 404:
                    seen["404_ms"] = elapsed
                else:
                    seen["before_404"].append([elapsed, status, text[:120]])
            if "instances_gone_ms" not in seen and instances(base, key) == 0:
                seen["instances_gone_ms"] = elapsed
            time.sleep(0.02)

    watch_all(watched, watch)
    return result


def main():
    if len(sys.argv) == 6 and sys.argv[1] == "keys":
        print(json.dumps(keys(*sys.argv[2:6])))
    elif len(sys.argv) == 7 and sys.argv[1] == "delete":
        print(json.dumps(delete(sys.argv[2], sys.argv[3:5], sys.argv[5], sys.argv[6])))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
