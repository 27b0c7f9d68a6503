# A function that forges its runner's reply, as any user code can: it shares the runner's process, so it finds the
# protocol socket and the current call number among the interpreter's frames and writes a reply of its own.
import json
import os
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


def user_function(kind):
    connection, call = runner_state()
    header = {"ok": True, "call": call, "logs": "", "logs_truncated": False}
    if kind == "logs":
        # Announces 16 MiB of logs and sends them until the platform hangs up.
        logs = 16 * 1024 * 1024
        start = json.dumps(header)[:-1].encode() + b', "logs2": "'
        connection.sendall(struct.pack(">II", len(start) + logs + 2, 1) + start)
        chunk = b"x" * 65536
        try:
            for _ in range(logs // len(chunk)):
                connection.sendall(chunk)
        except OSError:
            pass
    else:
        body = {"nonjson": b"hello", "injected": b'1} , "injected": {"x": 1', "trailing": b"1 2",
                "nan": b"NaN", "oversized": b"1" * (7 * 1024 * 1024)}[kind]
        head = json.dumps(header).encode()
        try:
            connection.sendall(struct.pack(">II", len(head), len(body)) + head + body)
        except OSError:
            pass
    time.sleep(60)  # the runner's own reply never comes: the platform must not wait for it
    os._exit(0)
