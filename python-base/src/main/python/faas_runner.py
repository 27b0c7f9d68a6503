"""Runs one Python function for the FaaS platform, serving its requests over a Unix domain socket.

Usage: python3 faas_runner.py --connect PATH [--connect-timeout SECONDS] [--new-session]
                              [--log-limit BYTES] [--max-message-bytes BYTES]
                              [--max-result-bytes BYTES] [--secrets-dir DIR]

The platform listens; the runner connects. The platform binds PATH in a directory it owns (the
Docker runtime mounts that directory read-only into the container: the runner needs no writable
path shared with the platform), accepts one connection from the runner's user only (it checks the
peer's credentials) and then removes PATH. The runner connects to PATH, retrying while PATH is
not there yet or its backlog is full, serves one request at a time until the platform closes the
connection, then exits 0. The platform's first request is a ping, which it expects answered
within its start deadline. Exit status 3: PATH could not be reached within --connect-timeout
(default 60 s). Exit status 4: the peer broke the framing. Exit status 1: the connection failed
(such as PATH refusing this user). --new-session makes the runner the leader of a new session
and process group before anything else, so the platform can end it together with every process
the function starts (the process runtime uses it; a container is its own boundary). Standard
library only.

Framing, both directions: an 8-byte prefix holding two big-endian unsigned 32-bit integers,
header_len and body_len; then header_len bytes of UTF-8 JSON, an object (the header); then
body_len raw bytes (the body). A message larger than --max-message-bytes (default 16 MiB) or a
header that is not a JSON object gets a "protocol" error reply, then the runner exits.

Every request header may carry a "call" value (the platform numbers its calls); the reply's header
echoes it, so a reply forged by user code on the socket is told apart from the runner's own.

Requests, by the header's "op":
  {"op": "ping"}
      -> {"ok": true, "pid": 1234, "python": "3.11.7"}
  {"op": "init", "handler": "user_function", "env": {...}, "secrets": {...}}, body = the function's
      source code, UTF-8. First adds "env" (an object of strings, optional) to os.environ and writes
      each of "secrets" (an object of strings, optional: name -> value) to the file --secrets-dir/NAME,
      readable by this user only (--secrets-dir is a private tmpfs: /run/secrets in a container; a
      version with secrets is refused without it); os.environ["FAAS_SECRETS_DIR"] names that directory.
      Then runs the code as module "function" (file "function.py") and checks that the handler is a
      callable. Allowed once per process.  -> {"ok": true, "logs": "", "logs_truncated": false}
      Secret values are never echoed in a reply, nor in an error.
  {"op": "init", "handler": "module.function", "code_dir": DIR, ...}, empty body: the code is an
      unpacked archive in DIR (read-only to this runner), which goes first on sys.path; imports the
      module and checks that its function is a callable. "env" and "secrets" as above.
  Either form may carry "deps_dir": DIR, the version's installed requirements (read-only), which goes
      on sys.path (after code_dir) before any of its code runs.
  {"op": "run"}, body = the keyword arguments, a JSON object in UTF-8. Calls handler(**params).
      -> {"ok": true, "logs": "", "logs_truncated": false}, body = the result as strict JSON
         (UTF-8, compact, no NaN); None is null.

A failure replies {"ok": false, "error": {"kind": K, "type": T, "message": M, "traceback": TB,
"line": 0}, "logs": "", "logs_truncated": false} with an empty body. Kinds:
  init      the code did not compile (line: the offending line) or raised while loaded, or it
            defines no callable of the handler's name (type "HandlerNotFound")
  raised    the handler raised; SystemExit and KeyboardInterrupt count as ordinary exceptions
  result    the result is not JSON ("ResultNotSerializable") or is larger than
            --max-result-bytes, default 6 MiB ("ResultTooLarge")
  params    the params are not a JSON object or are nested too deeply ("InvalidParams")
  protocol  unknown op, run before a successful init, a second init, a malformed message
Tracebacks hold the user's frames only, never the runner's. Types, messages and tracebacks are cut
at 64 KiB of UTF-8 each, ending with "[truncated: N more characters not shown]", so that a reply's
header stays under the platform's limit (2 MiB).

Logs: while the code loads and while the handler runs, sys.stdout and sys.stderr are one shared
capture that keeps, in order, the first --log-limit bytes (default 64 KiB) of UTF-8 output and
only counts the rest; the logs then end with the line "[output truncated: N more bytes not
shown]" and logs_truncated is true. Output written between calls (by a thread the code started)
lands in the next reply's logs.
"""

import argparse
import fcntl
import importlib
import io
import json
import linecache
import os
import socket
import struct
import sys
import threading
import time
import traceback
import types

PREFIX = struct.Struct(">II")
CHILD_LINGER_SECONDS = 0.5  # after a call that forked, how long to wait for its children to end
PROTOCOL_FD_MIN = 100  # the socket lives above the descriptors user code is likely to touch
CONNECT_RETRY_SECONDS = 0.002
EXIT_CONNECTION_FAILED, EXIT_NO_CONNECTION, EXIT_PROTOCOL_ERROR = 1, 3, 4
PYTHON_VERSION = "%d.%d.%d" % sys.version_info[:3]
RUNNER_FILE = (lambda: None).__code__.co_filename
RUNNER_PID = os.getpid()
USER_FILE = "function.py"
JSON_TYPE_NAMES = {list: "an array", str: "a string", int: "a number", float: "a number",
                   bool: "a boolean", type(None): "null"}
READ_BUFFER_BYTES = 64 * 1024  # one read takes a whole request of this size or less: prefix, header and body
# Made once: json.dumps and json.loads with options build a new encoder or decoder on every call.
HEADER_ENCODER = json.JSONEncoder(separators=(",", ":"))
RESULT_ENCODER = json.JSONEncoder(allow_nan=False, ensure_ascii=False, separators=(",", ":"))


class Failure(Exception):
    """A request that failed, carrying the error object of the reply."""

    def __init__(self, kind, error_type, message, traceback_text="", line=0):
        super().__init__(message)
        # Bounded like the logs, so that a reply's header stays under the platform's limit (RunnerConnection).
        self.error = {"kind": kind, "type": bounded(error_type), "message": bounded(message),
                      "traceback": bounded(traceback_text), "line": line}


def bounded(text, limit=65536):
    """text cut to at most limit bytes of UTF-8, with a notice saying how many characters were left out."""
    if not isinstance(text, str) or len(text) * 4 <= limit:
        return text
    kept = text[:limit].encode("utf-8", "replace")[:limit].decode("utf-8", "ignore")
    if len(kept) == len(text):
        return text
    return "%s\n[truncated: %d more characters not shown]" % (kept, len(text) - len(kept))


def failure_from(kind, error, message=None, line=0):
    if message is None:
        try:
            message = str(error)
        except BaseException:  # a user's __str__ must not take the runner down
            message = "<unprintable %s>" % type(error).__name__
    return Failure(kind, type(error).__name__, message, user_traceback(error), line)


def user_traceback(error):
    """Formats error's traceback without the runner's leading frames, which the user cannot act on."""
    frames = error.__traceback__
    while frames is not None and frames.tb_frame.f_code.co_filename == RUNNER_FILE:
        frames = frames.tb_next
    try:
        return "".join(traceback.format_exception(type(error), error, frames))
    except BaseException:
        return ""


def utf8_size(text, chunk=65536):
    if text.isascii():
        return len(text)
    # Chunks keep a huge non-ASCII print from being encoded whole just to be counted.
    return sum(len(text[i:i + chunk].encode("utf-8", "replace")) for i in range(0, len(text), chunk))


class OutputCapture(io.TextIOBase):
    """Stands in for sys.stdout and sys.stderr: keeps the first `limit` bytes, counts the rest."""

    encoding, errors = "utf-8", "replace"

    def __init__(self, limit):
        super().__init__()
        self.limit, self.kept, self.dropped = limit, bytearray(), 0
        self.lock = threading.Lock()  # threads started by user code may print concurrently
        self.buffer = BinaryOutput(self)

    def writable(self):
        return True

    def close(self):
        pass  # one capture serves every call, so user code closing sys.stdout must not break it

    def write(self, text):
        if not isinstance(text, str):
            raise TypeError("write() argument must be str, not %s" % type(text).__name__)
        size = utf8_size(text)
        with self.lock:
            room = max(self.limit - len(self.kept), 0)
            data = text.encode("utf-8", "replace") if size <= room else text[:room].encode("utf-8", "replace")
            self.keep(data, size)
        return len(text)

    def keep(self, data, size):
        room = max(self.limit - len(self.kept), 0)
        if len(data) > room:
            cut = room
            while cut > 0 and data[cut] & 0xC0 == 0x80:  # never split a UTF-8 character
                cut -= 1
            data = data[:cut]
        self.kept += data
        self.dropped += size - len(data)

    def take(self):
        """Returns the logs so far and whether they were truncated, and starts afresh."""
        with self.lock:
            logs, dropped = self.kept.decode("utf-8", "replace"), self.dropped
            self.kept, self.dropped = bytearray(), 0
        if dropped:
            separator = "\n" if logs and not logs.endswith("\n") else ""
            logs += "%s[output truncated: %d more bytes not shown]\n" % (separator, dropped)
        return logs, dropped > 0


class BinaryOutput:
    """The capture's sys.stdout.buffer, for code that writes bytes."""

    def __init__(self, capture):
        self.capture = capture

    def write(self, data):
        data = memoryview(data).cast("B")
        with self.capture.lock:
            self.capture.keep(data, len(data))
        return len(data)

    def flush(self):
        pass


class Runner:
    """Loads the user's code once and calls its handler, one request at a time."""

    def __init__(self, log_limit, max_result_bytes, secrets_dir=None):
        self.capture = OutputCapture(log_limit)
        self.max_result_bytes = max_result_bytes
        self.secrets_dir = secrets_dir
        self.init_attempted = False
        self.handler = None

    def handle(self, header, body):
        """Serves one request; returns the reply's header and body, which echoes the request's "call"."""
        reply, result = self.serve(header, body)
        if "call" in header:
            reply["call"] = header["call"]
        return reply, result

    def serve(self, header, body):
        op = header.get("op")
        if op == "ping":
            return {"ok": True, "pid": os.getpid(), "python": PYTHON_VERSION}, b""
        try:
            if op == "init":
                result = self.init(header.get("handler"), body, header.get("env"), header.get("secrets"),
                                   header.get("code_dir"), header.get("deps_dir"))
            elif op == "run":
                result = self.run(body)
            else:
                raise Failure("protocol", "UnknownOperation", "unknown op %r" % (op,))
            reply = {"ok": True}
        except Failure as failure:
            reply, result = {"ok": False, "error": failure.error}, b""
        reply["logs"], reply["logs_truncated"] = self.capture.take()
        return reply, result

    def init(self, handler_name, body, env=None, secrets=None, code_dir=None, deps_dir=None):
        if self.init_attempted:
            raise Failure("protocol", "AlreadyInitialized", "init may be called once per runner")
        if not isinstance(handler_name, str):
            raise Failure("protocol", "InvalidRequest", "init needs a handler name")
        if code_dir is not None and (not isinstance(code_dir, str) or "." not in handler_name):
            raise Failure("protocol", "InvalidRequest", "init from a code_dir needs a module.function handler")
        if deps_dir is not None and not isinstance(deps_dir, str):
            raise Failure("protocol", "InvalidRequest", "init's deps_dir must be a path")
        env, secrets = string_map("env", env), string_map("secrets", secrets)
        self.init_attempted = True
        self.specialise(env, secrets)
        if deps_dir is not None:
            sys.path.insert(0, deps_dir)
            importlib.invalidate_caches()
        if code_dir is not None:
            return self.init_module(code_dir, handler_name)
        try:
            source = str(body, "utf-8")
            code = compile(source, USER_FILE, "exec")
        except SyntaxError as error:
            raise failure_from("init", error, error.msg, error.lineno or 0) from None
        except ValueError as error:  # not UTF-8, or a NUL byte in the source
            raise failure_from("init", error) from None
        module = types.ModuleType("function")
        module.__file__ = USER_FILE
        sys.modules["function"] = module  # dataclasses, pickle and friends look their module up there
        # With no mtime, linecache keeps this entry, so tracebacks show the user's source lines.
        linecache.cache[USER_FILE] = (len(source), None, source.splitlines(True), USER_FILE)
        try:
            self.call_user_code(exec, code, module.__dict__)
        except BaseException as error:
            raise failure_from("init", error) from None
        handler = module.__dict__.get(handler_name)
        if not callable(handler):
            raise Failure("init", "HandlerNotFound",
                          "no callable %r defined in the function's code" % handler_name)
        self.handler = handler
        return b""

    def init_module(self, code_dir, handler_name):
        """Imports the handler's module from the unpacked archive in code_dir and checks its function."""
        module_name, _, function_name = handler_name.rpartition(".")
        sys.path.insert(0, code_dir)
        importlib.invalidate_caches()
        try:
            module = self.call_user_code(importlib.import_module, module_name)
        except SyntaxError as error:
            raise failure_from("init", error, error.msg, error.lineno or 0) from None
        except BaseException as error:
            raise failure_from("init", error) from None
        handler = getattr(module, function_name, None)
        if not callable(handler):
            raise Failure("init", "HandlerNotFound",
                          "no callable %r defined in the module %r" % (function_name, module_name))
        self.handler = handler
        return b""

    def specialise(self, env, secrets):
        """Applies the version's environment and writes its secrets, before any of its code runs."""
        for name, value in env.items():
            if not name or "=" in name or "\0" in name or "\0" in value:
                raise Failure("protocol", "InvalidRequest", "init's env holds a name or value no environment can hold")
            os.environ[name] = value
        if not secrets:
            return
        if self.secrets_dir is None:
            raise Failure("protocol", "NoSecretsDirectory", "this runner has no --secrets-dir for secrets")
        for name in secrets:
            if not name or name in (".", "..") or "/" in name or "\0" in name:
                raise Failure("protocol", "InvalidRequest", "init's secrets hold a name that is not a file name")
        for name, value in secrets.items():
            path = os.path.join(self.secrets_dir, name)
            try:
                # O_EXCL and O_NOFOLLOW: never through a link or over a file something else put there.
                descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC,
                                     0o400)
                with os.fdopen(descriptor, "wb") as file:
                    file.write(value.encode("utf-8", "surrogatepass"))
            except OSError as error:
                raise Failure("init", "SecretNotWritten", "the secret %r could not be written to %s: %s"
                              % (name, self.secrets_dir, error.strerror)) from None
        os.environ["FAAS_SECRETS_DIR"] = self.secrets_dir

    def run(self, body):
        if self.handler is None:
            raise Failure("protocol", "NotInitialized", "run needs a successful init first")
        params = parse_params(body)
        try:
            result = self.call_user_code(self.handler, **params)
        except BaseException as error:
            raise failure_from("raised", error) from None
        return self.serialize(result)

    def call_user_code(self, function, *args, **kwargs):
        sys.stdout = sys.stderr = self.capture
        try:
            return function(*args, **kwargs)
        finally:
            if os.getpid() != RUNNER_PID:
                os._exit(0)  # a child the user forked must not answer on the runner's socket
            sys.stdout, sys.stderr = sys.__stdout__, sys.__stderr__

    def serialize(self, result):
        try:
            data = RESULT_ENCODER.encode(result).encode()
        except RecursionError:
            raise Failure("result", "ResultNotSerializable", "the result is nested too deeply") from None
        except UnicodeEncodeError:
            raise Failure("result", "ResultNotSerializable",
                          "the result holds a string that is not valid Unicode (a lone surrogate)") from None
        except Exception as error:  # TypeError, ValueError (NaN, huge int, circular reference)
            raise Failure("result", "ResultNotSerializable", str(error)) from None
        if len(data) > self.max_result_bytes:
            raise Failure("result", "ResultTooLarge", "the result is %d bytes, more than the limit of %d bytes"
                          % (len(data), self.max_result_bytes))
        return data


def string_map(field, value):
    """value, an object of strings (empty when absent), else a protocol Failure that never quotes it."""
    if value is None:
        return {}
    if not isinstance(value, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
        raise Failure("protocol", "InvalidRequest", "init's %s must be an object of strings" % field)
    return value


def parse_params(body):
    try:
        params = PARAMS_DECODER.decode(str(body, "utf-8"))
    except RecursionError:
        raise Failure("params", "InvalidParams", "the params are nested too deeply") from None
    except ValueError as error:  # JSONDecodeError and UnicodeDecodeError both are ValueErrors
        raise Failure("params", "InvalidParams", "the params are not valid JSON: %s" % error) from None
    if not isinstance(params, dict):
        raise Failure("params", "InvalidParams",
                      "the params must be a JSON object, not %s" % JSON_TYPE_NAMES.get(type(params), "that"))
    return params


def reject_constant(name):
    raise ValueError("%s is not JSON" % name)


PARAMS_DECODER = json.JSONDecoder(parse_constant=reject_constant)


def receive_exactly(reader, size):
    """Returns size bytes read from a buffered reader; None if the peer closed cleanly before the first;
    EOFError if it closed after."""
    data = reader.read(size)
    if len(data) == size:
        return data
    if not data:
        return None
    raise EOFError("the connection closed in the middle of a message")


def read_message(reader, max_bytes):
    """Returns (header, body) or None at a clean end of the connection; Failure if the message is malformed.

    reader is the connection's buffered reader: a request that fits its buffer costs one read from the socket.
    """
    prefix = receive_exactly(reader, PREFIX.size)
    if prefix is None:
        return None
    header_len, body_len = PREFIX.unpack(prefix)
    if header_len + body_len > max_bytes:
        raise Failure("protocol", "MessageTooLarge", "a message of %d bytes is larger than the limit of %d bytes"
                      % (header_len + body_len, max_bytes))
    payload = receive_exactly(reader, header_len + body_len) if header_len + body_len else b""
    if payload is None:
        raise EOFError("the connection closed in the middle of a message")
    view = memoryview(payload)
    try:
        header = json.loads(str(view[:header_len], "utf-8"))
    except (ValueError, RecursionError):
        header = None
    if not isinstance(header, dict):
        raise Failure("protocol", "InvalidHeader", "the header is not a JSON object")
    return header, view[header_len:]


def reap_children(linger=0.0):
    """Collects the function's children that have ended, so they do not hold process slots as zombies.

    With linger, waits up to that many seconds for children still running (such as the copies of a fork
    bomb on their way out); a function without children costs nothing either way. Returns whether some
    child is still running.
    """
    deadline = time.monotonic() + linger
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return False
        if pid == 0:
            if time.monotonic() >= deadline:
                return True
            time.sleep(0.005)


def send_message(connection, header, body=b""):
    header_bytes = HEADER_ENCODER.encode(header).encode("ascii")
    connection.sendall(PREFIX.pack(len(header_bytes), len(body)) + header_bytes + body)


def connect_to_platform(path, timeout):
    """Returns the connection to the platform's socket at path, or None if it cannot be reached in time."""
    deadline = time.monotonic() + timeout
    while True:
        connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            connection.connect(path)
            break
        except (FileNotFoundError, ConnectionRefusedError, BlockingIOError):
            # Not listening yet, or its backlog is full: the platform accepts within milliseconds.
            connection.close()
            if time.monotonic() >= deadline:
                return None
            time.sleep(CONNECT_RETRY_SECONDS)
        except BaseException:
            connection.close()
            raise
    # A duplicate at a high, close-on-exec descriptor keeps the socket away from user code and its children.
    with connection:
        return socket.socket(fileno=fcntl.fcntl(connection.fileno(), fcntl.F_DUPFD_CLOEXEC, PROTOCOL_FD_MIN))


def isolate_stdin():
    """Makes reading stdin see an immediate end of input, so that input() cannot hang a call."""
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.close(devnull)
    sys.stdin = io.StringIO()


def parse_arguments(argv):
    parser = argparse.ArgumentParser(description="Runs one Python function for the FaaS platform.")
    parser.add_argument("--connect", required=True, help="path of the platform's Unix socket to connect to")
    parser.add_argument("--connect-timeout", type=float, default=60.0,
                        help="seconds to keep trying to reach the platform's socket")
    parser.add_argument("--new-session", action="store_true",
                        help="lead a new session and process group, so the platform can end them together")
    parser.add_argument("--log-limit", type=int, default=65536, help="bytes of output kept per call")
    parser.add_argument("--max-message-bytes", type=int, default=16 * 1024 * 1024, help="largest request")
    parser.add_argument("--max-result-bytes", type=int, default=6 * 1024 * 1024, help="largest result")
    parser.add_argument("--secrets-dir", help="a private directory (a tmpfs) to write the version's secrets in")
    return parser.parse_args(argv)


def main(argv=None):
    options = parse_arguments(argv)
    if options.new_session:
        os.setsid()  # before any user code runs, so every process the function starts is in the group
    try:
        connection = connect_to_platform(options.connect, options.connect_timeout)
    except OSError as error:
        print("faas_runner: cannot connect to %s: %s" % (options.connect, error), file=sys.stderr)
        return EXIT_CONNECTION_FAILED
    if connection is None:
        print("faas_runner: %s could not be reached within %s s" % (options.connect, options.connect_timeout),
              file=sys.stderr)
        return EXIT_NO_CONNECTION
    isolate_stdin()
    runner = Runner(options.log_limit, options.max_result_bytes, options.secrets_dir)
    children_left = False
    with connection, connection.makefile("rb", buffering=READ_BUFFER_BYTES) as reader:
        try:
            while True:
                try:
                    message = read_message(reader, options.max_message_bytes)
                except Failure as failure:
                    send_message(connection, {"ok": False, "error": failure.error, "logs": "", "logs_truncated": False})
                    return EXIT_PROTOCOL_ERROR
                except EOFError:
                    return EXIT_PROTOCOL_ERROR
                if message is None:
                    return 0
                # Children a call forked may end after it answered: collect them before the next call too.
                if children_left:
                    reap_children()
                send_message(connection, *runner.handle(*message))
                children_left = reap_children(linger=CHILD_LINGER_SECONDS)
        except OSError as error:
            print("faas_runner: the connection failed: %s" % error, file=sys.stderr)
            return EXIT_CONNECTION_FAILED


if __name__ == "__main__":
    sys.exit(main())
