# A function that forges its runner's reply, as any user code can: it shares the runner's process, so it finds the
# protocol socket and the current call number among the interpreter's frames and writes a reply of its own kind
# (kind "none" answers for real instead), then never returns: the platform must not wait for the runner's own reply.
import json
import socket
import struct
import sys
import time


def runner_state():
    call = connection = None
    frame = sys._getframe()
    while frame is not None:
        for value in list(frame.f_locals.values()):
            if call is None and isinstance(value, dict) and "op" in value and "call" in value:
                call = value["call"]
            if connection is None and isinstance(value, socket.socket):
                connection = value
        frame = frame.f_back
    return connection, call


def user_function(kind, mib=16):
    if kind == "none":
        return "real"
    connection, call = runner_state()
    header = {"ok": True, "call": call, "logs": "", "logs_truncated": False}
    try:
        if kind == "logs":
            # Announces mib MiB of logs and sends them until the platform hangs up.
            start = json.dumps(header)[:-1].encode() + b', "logs": "'
            size = mib * 1024 * 1024
            connection.sendall(struct.pack(">II", len(start) + size + 2, 1) + start)
            chunk = b"x" * 65536
            for _ in range(size // len(chunk)):
                connection.sendall(chunk)
            connection.sendall(b'"}1')
        else:
            body = {"nonjson": b"hello", "injected": b'1} , "injected": {"x": 1',
                    "trailing": b'{"a": 1} {"b": 2}', "nan": b"NaN",
                    "oversized": b"1" * (7 * 1024 * 1024)}[kind]
            head = json.dumps(header).encode()
            connection.sendall(struct.pack(">II", len(head), len(body)) + head + body)
    except OSError:
        pass  # the platform hung up: it read what it needed
    time.sleep(600)
