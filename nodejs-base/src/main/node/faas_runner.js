'use strict';
/*
 * Runs one Node.js function for the FaaS platform, serving its requests over a Unix domain socket. It speaks the
 * Python runner's protocol exactly (python-base/src/main/python/faas_runner.py documents it); what differs is said here.
 *
 * Usage: node faas_runner.js --connect PATH [--connect-timeout SECONDS] [--log-limit BYTES]
 *                            [--max-message-bytes BYTES] [--max-result-bytes BYTES] [--secrets-dir DIR]
 *
 * The platform listens on PATH; the runner connects (retrying while PATH is not there yet or its backlog is full),
 * serves one request at a time until the platform closes the connection, then exits 0. Exit status 3: PATH could not
 * be reached within --connect-timeout (default 60 s); 4: the peer broke the framing; 1: the connection failed.
 * Node.js cannot make itself a session leader, so the process runtime launches it under setsid(1) instead of passing
 * --new-session. Node.js standard library only.
 *
 * Framing, both directions: an 8-byte prefix holding two big-endian unsigned 32-bit integers, header_len and
 * body_len; then header_len bytes of UTF-8 JSON, an object (the header); then body_len raw bytes (the body). Every
 * reply echoes the request's "call".
 *
 * Requests, by the header's "op":
 *   {"op": "ping"}  -> {"ok": true, "pid": 1234, "node": "18.19.0"}
 *   {"op": "init", "handler": "user_function"}, body = the function's source code, UTF-8. The code is a CommonJS
 *       module (module.exports.user_function = ..., exports.user_function = ...) or, when it uses import or export
 *       statements, an ES module (export function user_function ..., export default {user_function}); the handler
 *       is looked up among its exports, then among the properties of its default export. It is written into a
 *       private directory under the system's temporary directory as function.cjs or function.mjs and loaded from
 *       there (top-level await works in an ES module). Allowed once per process.
 *       Before any of the function's code runs, as in the Python runner: "env" (an object of strings, optional) is
 *       added to process.env, and each of "secrets" (an object of strings, optional: name -> value) is written to
 *       the file --secrets-dir/NAME, readable by this user only (a private tmpfs, /run/secrets, in a container; a
 *       version with secrets is refused without it); process.env.FAAS_SECRETS_DIR names that directory. A function
 *       reads a secret with fs.readFileSync('/run/secrets/NAME', 'utf8'); its value is never in process.env, and never
 *       echoed in a reply nor in an error.
 *   {"op": "init", "handler": "module.function", "code_dir": DIR, ...}, empty body: the code is an unpacked archive
 *       in DIR (read-only to this runner). The module a/b is DIR/a/b.js, .cjs or .mjs, or DIR/a/b/index.js; it is
 *       loaded with require (an ES module, by import), so its require() calls find the archive's other modules and
 *       its node_modules as Node.js always does. "env" and "secrets" as above.
 *   Either form may carry "deps_dir": DIR, the version's installed dependencies (read-only): DIR/node_modules is
 *       searched by require() after the code's own node_modules (NODE_PATH); for code sent in the body it is also
 *       linked beside the code file, so an ES module's import finds it too.
 *   {"op": "run"}, body = the params, a JSON object in UTF-8. JavaScript has no keyword arguments: the handler is
 *       called with the params object as its one argument, handler(params), so Python's
 *       def user_function(name) reads as function user_function({name}). A returned promise is awaited.
 *       -> body = the result as strict JSON: undefined is null; NaN, Infinity, a BigInt, a function or a symbol as
 *          the result, and circular structures, are "ResultNotSerializable" (inside objects JSON.stringify's own
 *          rules apply: a property holding a function or undefined is left out).
 *
 * Failures reply {"ok": false, "error": {"kind", "type", "message", "traceback", "line"}} as the Python runner does.
 * The traceback is the error's stack without the runner's own frames; the type is the error's name ("TypeError"),
 * or for a thrown non-Error the JavaScript type of the value ("string"). A syntax error's line is the line in the
 * function's code. process.exit(code) called by the function throws a "ProcessExit" error instead of ending the
 * runner (as Python's SystemExit is an ordinary exception there). An exception nothing catches, or a promise
 * rejection nothing handles, fails the call under way as "raised"; between calls it is written to the logs of the
 * next reply, and the runner stays up.
 *
 * Logs: process.stdout.write and process.stderr.write (console.log, console.error...) go to one capture that keeps
 * the first --log-limit bytes (default 64 KiB) of UTF-8 output and counts the rest, ending the logs with
 * "[output truncated: N more bytes not shown]" as the Python runner does. Reading stdin sees an immediate end.
 */

const fs = require('fs');
const net = require('net');
const os = require('os');
const path = require('path');
const childProcess = require('child_process');
const { pathToFileURL } = require('url');
const vm = require('vm');

const PREFIX_BYTES = 8;
const CONNECT_RETRY_MS = 2;
const TEXT_LIMIT_BYTES = 65536;
const EXIT_CONNECTION_FAILED = 1;
const EXIT_NO_CONNECTION = 3;
const EXIT_PROTOCOL_ERROR = 4;
const RUNNER_FILE = __filename;
const ESM_MARKERS = [/Cannot use import statement outside a module/, /Unexpected token 'export'/,
    /import\.meta/, /await is only valid in async functions and the top level bodies of modules/];
const CJS_PARAMETERS = ['exports', 'require', 'module', '__filename', '__dirname'];

const realExit = process.exit.bind(process);
const realStderrWrite = process.stderr.write.bind(process.stderr);

/** A request that failed, carrying the error object of the reply. */
class Failure extends Error {
    constructor(kind, type, message, traceback = '', line = 0) {
        super(message);
        this.error = { kind, type: bounded(type), message: bounded(message), traceback: bounded(traceback), line };
    }
}

/** What process.exit throws while the runner serves: the function may not end its runner. */
class ProcessExit extends Error {
    constructor(code) {
        super('process.exit(' + (code === undefined ? '' : String(code)) + ') was called');
        this.name = 'ProcessExit';
        this.code = code;
    }
}

/** text cut to at most limit bytes of UTF-8, with a notice saying how many characters were left out. */
function bounded(text, limit = TEXT_LIMIT_BYTES) {
    if (typeof text !== 'string' || text.length * 3 <= limit) {
        return text;
    }
    let kept = Buffer.from(text, 'utf8').subarray(0, limit).toString('utf8');
    if (kept.endsWith('\ufffd')) {
        kept = kept.slice(0, -1); // a character cut in two
    }
    if (kept.length >= text.length) {
        return text;
    }
    return kept + '\n[truncated: ' + (text.length - kept.length) + ' more characters not shown]';
}

function describeType(value) {
    if (value instanceof Error || (value && typeof value === 'object' && typeof value.name === 'string'
            && typeof value.message === 'string')) {
        try {
            return String(value.name || (value.constructor && value.constructor.name) || 'Error');
        } catch (ignored) {
            return 'Error';
        }
    }
    return value === null ? 'null' : typeof value;
}

/** The reply's error object for value, thrown by user code; the stack loses the runner's frames. */
function failureFrom(kind, value, codeFile) {
    let message;
    let traceback = '';
    try {
        message = value instanceof Error || (value && typeof value.message === 'string') ? String(value.message)
            : String(value);
    } catch (ignored) {
        message = '<unprintable ' + describeType(value) + '>';
    }
    try {
        if (value && typeof value.stack === 'string') {
            traceback = userStack(value.stack, codeFile);
        }
    } catch (ignored) {
        traceback = '';
    }
    return new Failure(kind, describeType(value), message, traceback, 0);
}

function userStack(stack, codeFile) {
    let lines = stack.split('\n').filter((line) => !line.includes(RUNNER_FILE));
    if (codeFile) {
        const shown = path.basename(codeFile);
        lines = lines.map((line) => line.split(pathToFileURL(codeFile).href).join(shown).split(codeFile).join(shown));
    }
    return lines.join('\n');
}

/** Stands in for stdout and stderr: keeps the first limit bytes of output, counts the rest. */
class OutputCapture {
    constructor(limit) {
        this.limit = limit;
        this.kept = [];
        this.keptBytes = 0;
        this.dropped = 0;
    }

    write(chunk, encoding) {
        let data;
        if (typeof chunk === 'string') {
            data = Buffer.from(chunk, typeof encoding === 'string' && Buffer.isEncoding(encoding) ? encoding : 'utf8');
        } else if (chunk instanceof Uint8Array) {
            data = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
        } else {
            throw new TypeError('The "chunk" argument must be of type string or an instance of Buffer or Uint8Array');
        }
        const room = Math.max(this.limit - this.keptBytes, 0);
        if (data.length <= room) {
            this.kept.push(Buffer.from(data));
            this.keptBytes += data.length;
            return;
        }
        let cut = room;
        while (cut > 0 && (data[cut] & 0xC0) === 0x80) { // never split a UTF-8 character
            cut -= 1;
        }
        if (cut > 0) {
            this.kept.push(Buffer.from(data.subarray(0, cut)));
            this.keptBytes += cut;
        }
        this.dropped += data.length - cut;
    }

    /** Returns the logs so far and whether they were truncated, and starts afresh. */
    take() {
        let logs = Buffer.concat(this.kept).toString('utf8');
        const dropped = this.dropped;
        this.kept = [];
        this.keptBytes = 0;
        this.dropped = 0;
        if (dropped) {
            const separator = logs && !logs.endsWith('\n') ? '\n' : '';
            logs += separator + '[output truncated: ' + dropped + ' more bytes not shown]\n';
        }
        return [logs, dropped > 0];
    }
}

function installCapture(capture) {
    for (const stream of [process.stdout, process.stderr]) {
        stream.write = function write(chunk, encoding, callback) {
            capture.write(chunk, encoding);
            const done = typeof encoding === 'function' ? encoding : callback;
            if (typeof done === 'function') {
                process.nextTick(done);
            }
            return true;
        };
    }
}

/** Loads the user's code once and calls its handler, one request at a time. */
class Runner {
    constructor(logLimit, maxResultBytes, secretsDir = null) {
        this.capture = new OutputCapture(logLimit);
        this.maxResultBytes = maxResultBytes;
        this.secretsDir = secretsDir;
        this.initAttempted = false;
        this.handler = null;
        this.codeFile = null;
        this.failCall = null; // set while a call runs: fails it with an error nothing caught
    }

    /** Serves one request; resolves to the reply's header and body, the header echoing the request's "call". */
    async handle(header, body) {
        const [reply, result] = await this.serve(header, body);
        if (Object.prototype.hasOwnProperty.call(header, 'call')) {
            reply.call = header.call;
        }
        return [reply, result];
    }

    async serve(header, body) {
        const op = header.op;
        if (op === 'ping') {
            return [{ ok: true, pid: process.pid, node: process.versions.node }, Buffer.alloc(0)];
        }
        let reply;
        let result = Buffer.alloc(0);
        try {
            if (op === 'init') {
                await this.init(header, body);
            } else if (op === 'run') {
                result = await this.run(body);
            } else {
                throw new Failure('protocol', 'UnknownOperation', 'unknown op ' + JSON.stringify(op));
            }
            reply = { ok: true };
        } catch (failure) {
            if (!(failure instanceof Failure)) {
                throw failure;
            }
            reply = { ok: false, error: failure.error };
            result = Buffer.alloc(0);
        }
        [reply.logs, reply.logs_truncated] = this.capture.take();
        return [reply, result];
    }

    async init(header, body) {
        const handlerName = header.handler;
        const codeDir = header.code_dir;
        const depsDir = header.deps_dir;
        if (this.initAttempted) {
            throw new Failure('protocol', 'AlreadyInitialized', 'init may be called once per runner');
        }
        if (typeof handlerName !== 'string') {
            throw new Failure('protocol', 'InvalidRequest', 'init needs a handler name');
        }
        if (codeDir !== undefined && codeDir !== null && (typeof codeDir !== 'string' || !handlerName.includes('.'))) {
            throw new Failure('protocol', 'InvalidRequest', 'init from a code_dir needs a module.function handler');
        }
        if (depsDir !== undefined && depsDir !== null && typeof depsDir !== 'string') {
            throw new Failure('protocol', 'InvalidRequest', 'init\'s deps_dir must be a path');
        }
        const env = stringMap('env', header.env);
        const secrets = stringMap('secrets', header.secrets);
        this.initAttempted = true;
        this.specialise(env, secrets);
        const dependencies = typeof depsDir === 'string' ? path.join(depsDir, 'node_modules') : null;
        if (dependencies !== null) {
            process.env.NODE_PATH = dependencies;
            require('module')._initPaths(); // require() reads NODE_PATH once, at start-up: again now
        }
        if (typeof codeDir === 'string') {
            await this.initModule(codeDir, handlerName);
            return;
        }
        const source = new TextDecoder('utf-8', { fatal: false }).decode(body);
        const isModule = checkSyntax(source);
        const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'faas-function-'));
        if (dependencies !== null) {
            fs.symlinkSync(dependencies, path.join(directory, 'node_modules'), 'dir');
        }
        const file = path.join(directory, isModule ? 'function.mjs' : 'function.cjs');
        fs.writeFileSync(file, source, { mode: 0o600 });
        this.codeFile = file;
        let exported;
        try {
            exported = await this.callUserCode(async () => {
                if (isModule) {
                    return import(pathToFileURL(file).href);
                }
                return require(file);
            });
        } catch (error) {
            if (error instanceof Failure) {
                throw error;
            }
            if (isModule && error instanceof SyntaxError) {
                throw moduleSyntaxFailure(file, error);
            }
            throw failureFrom('init', error, file);
        }
        const handler = findHandler(exported, handlerName);
        if (typeof handler !== 'function') {
            throw new Failure('init', 'HandlerNotFound', 'no function ' + JSON.stringify(handlerName)
                + ' exported by the function\'s code');
        }
        this.handler = handler;
    }

    /** Loads the handler's module from the unpacked archive in codeDir and checks its function. */
    async initModule(codeDir, handlerName) {
        const dot = handlerName.lastIndexOf('.');
        const moduleName = handlerName.slice(0, dot);
        const functionName = handlerName.slice(dot + 1);
        const base = path.join(codeDir, ...moduleName.split('.'));
        const file = [base + '.js', base + '.cjs', base + '.mjs', path.join(base, 'index.js')]
            .find((candidate) => fs.existsSync(candidate));
        if (file === undefined) {
            throw new Failure('init', 'ModuleNotFound', 'no module ' + JSON.stringify(moduleName) + ' ('
                + moduleName.split('.').join('/') + '.js) in the function\'s archive');
        }
        this.codeFile = file;
        let exported;
        try {
            exported = await this.callUserCode(async () => {
                if (file.endsWith('.mjs')) {
                    return import(pathToFileURL(file).href);
                }
                try {
                    return require(file);
                } catch (error) {
                    if (error && error.code === 'ERR_REQUIRE_ESM') {
                        return import(pathToFileURL(file).href);
                    }
                    throw error;
                }
            });
        } catch (error) {
            if (error instanceof Failure) {
                throw error;
            }
            if (error instanceof SyntaxError) {
                const failure = failureFrom('init', error, file);
                failure.error.line = lineOf(error.stack, file);
                throw failure;
            }
            throw failureFrom('init', error, file);
        }
        const handler = findHandler(exported, functionName);
        if (typeof handler !== 'function') {
            throw new Failure('init', 'HandlerNotFound', 'no function ' + JSON.stringify(functionName)
                + ' exported by the module ' + JSON.stringify(moduleName));
        }
        this.handler = handler;
    }

    /** Applies the version's environment and writes its secrets, before any of its code runs. */
    specialise(env, secrets) {
        for (const [name, value] of Object.entries(env)) {
            if (!name || name.includes('=') || name.includes('\0') || value.includes('\0')) {
                throw new Failure('protocol', 'InvalidRequest', 'init\'s env holds a name or value no environment can hold');
            }
            process.env[name] = value;
        }
        const names = Object.keys(secrets);
        if (names.length === 0) {
            return;
        }
        if (this.secretsDir === null) {
            throw new Failure('protocol', 'NoSecretsDirectory', 'this runner has no --secrets-dir for secrets');
        }
        for (const name of names) {
            if (!name || name === '.' || name === '..' || name.includes('/') || name.includes('\0')) {
                throw new Failure('protocol', 'InvalidRequest', 'init\'s secrets hold a name that is not a file name');
            }
        }
        const { O_WRONLY, O_CREAT, O_EXCL, O_NOFOLLOW } = fs.constants;
        for (const name of names) {
            const file = path.join(this.secretsDir, name);
            let descriptor;
            try {
                // O_EXCL and O_NOFOLLOW: never through a link or over a file something else put there.
                descriptor = fs.openSync(file, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0o400);
                fs.writeSync(descriptor, Buffer.from(secrets[name], 'utf8'));
            } catch (error) {
                throw new Failure('init', 'SecretNotWritten', 'the secret ' + JSON.stringify(name)
                    + ' could not be written to ' + this.secretsDir + ': ' + (error && error.code));
            } finally {
                if (descriptor !== undefined) {
                    fs.closeSync(descriptor);
                }
            }
        }
        process.env.FAAS_SECRETS_DIR = this.secretsDir;
    }

    async run(body) {
        if (this.handler === null) {
            throw new Failure('protocol', 'NotInitialized', 'run needs a successful init first');
        }
        const params = parseParams(body);
        let result;
        try {
            result = await this.callUserCode(() => this.handler(params));
        } catch (error) {
            if (error instanceof Failure) {
                throw error;
            }
            throw failureFrom('raised', error, this.codeFile);
        }
        return this.serialize(result);
    }

    /** Calls function and awaits what it returns; an error nothing catches meanwhile fails the call. */
    callUserCode(fn) {
        return new Promise((resolve, reject) => {
            this.failCall = (error) => reject(error);
            let returned;
            try {
                returned = fn();
            } catch (error) {
                reject(error);
                return;
            }
            Promise.resolve(returned).then(resolve, reject);
        }).finally(() => {
            this.failCall = null;
        });
    }

    /** An exception or rejection that no code caught: the call under way fails with it, else the logs show it. */
    uncaught(error) {
        if (this.failCall !== null) {
            this.failCall(error);
            return;
        }
        let text;
        try {
            text = error && typeof error.stack === 'string' ? userStack(error.stack, this.codeFile) : String(error);
        } catch (ignored) {
            text = '<unprintable ' + describeType(error) + '>';
        }
        this.capture.write('Uncaught ' + text + '\n');
    }

    serialize(result) {
        let text;
        try {
            text = JSON.stringify(result === undefined ? null : result, strictJson);
        } catch (error) {
            const message = error instanceof RangeError ? 'the result is nested too deeply'
                : String(error && error.message);
            throw new Failure('result', 'ResultNotSerializable', message);
        }
        if (text === undefined) {
            throw new Failure('result', 'ResultNotSerializable', 'a ' + typeof result + ' is not JSON');
        }
        const data = Buffer.from(text, 'utf8');
        if (data.length > this.maxResultBytes) {
            throw new Failure('result', 'ResultTooLarge', 'the result is ' + data.length
                + ' bytes, more than the limit of ' + this.maxResultBytes + ' bytes');
        }
        return data;
    }
}

function strictJson(key, value) {
    if (typeof value === 'number' && !Number.isFinite(value)) {
        throw new TypeError(String(value) + ' is not JSON');
    }
    return value;
}

/** Whether source is an ES module; a syntax error in a CommonJS module is reported here, with its line. */
function checkSyntax(source) {
    try {
        vm.compileFunction(source, CJS_PARAMETERS, { filename: 'function.js' });
        return false;
    } catch (error) {
        if (!(error instanceof SyntaxError)) {
            throw failureFrom('init', error);
        }
        if (ESM_MARKERS.some((marker) => marker.test(error.message))) {
            return true;
        }
        throw new Failure('init', 'SyntaxError', error.message, String(error.stack).split('\n').slice(0, 4).join('\n'),
            lineOf(error.stack, 'function.js'));
    }
}

/** Node.js does not say where an ES module's syntax error is; node --check on its file does. */
function moduleSyntaxFailure(file, error) {
    let line = 0;
    let details = '';
    try {
        const check = childProcess.spawnSync(process.execPath, ['--check', file], { encoding: 'utf8', timeout: 10000 });
        details = String(check.stderr || '');
        line = lineOf(details, file);
    } catch (ignored) {
        line = 0;
    }
    const shown = details ? details.split('\n').slice(0, 4).join('\n').split(file).join('function.mjs') : '';
    return new Failure('init', 'SyntaxError', error.message, shown, line);
}

function lineOf(stack, file) {
    const first = String(stack).split('\n')[0];
    const prefix = file + ':';
    if (first.startsWith(prefix)) {
        const line = parseInt(first.slice(prefix.length), 10);
        return Number.isFinite(line) ? line : 0;
    }
    return 0;
}

function findHandler(exported, name) {
    if (exported === null || exported === undefined) {
        return undefined;
    }
    if (typeof exported[name] === 'function') {
        return exported[name];
    }
    const fallback = exported.default;
    if (fallback !== null && fallback !== undefined && typeof fallback[name] === 'function') {
        return fallback[name];
    }
    return undefined;
}

/** value as an object of strings, {} when absent; anything else is a protocol error naming the field. */
function stringMap(field, value) {
    if (value === undefined || value === null) {
        return {};
    }
    if (typeof value !== 'object' || Array.isArray(value)
            || !Object.values(value).every((item) => typeof item === 'string')) {
        throw new Failure('protocol', 'InvalidRequest', 'init\'s ' + field + ' must be an object of strings');
    }
    return value;
}

function parseParams(body) {
    let params;
    try {
        params = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(body));
    } catch (error) {
        const reason = error instanceof RangeError ? 'the params are nested too deeply'
            : 'the params are not valid JSON: ' + error.message;
        throw new Failure('params', 'InvalidParams', reason);
    }
    if (params === null || typeof params !== 'object' || Array.isArray(params)) {
        const kind = params === null ? 'null' : Array.isArray(params) ? 'an array'
            : typeof params === 'string' ? 'a string' : 'a ' + typeof params;
        throw new Failure('params', 'InvalidParams', 'the params must be a JSON object, not ' + kind);
    }
    return params;
}

/** Splits the incoming bytes into messages; a malformed one is a Failure, the stream's end a null. */
class MessageReader {
    constructor(maxBytes) {
        this.maxBytes = maxBytes;
        this.chunks = [];
        this.buffered = 0;
    }

    push(chunk) {
        this.chunks.push(chunk);
        this.buffered += chunk.length;
    }

    /** The next whole message, or undefined if more bytes are needed. */
    next() {
        if (this.buffered < PREFIX_BYTES) {
            return undefined;
        }
        const all = this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks);
        this.chunks = [all];
        const headerLength = all.readUInt32BE(0);
        const bodyLength = all.readUInt32BE(4);
        if (headerLength + bodyLength > this.maxBytes) {
            throw new Failure('protocol', 'MessageTooLarge', 'a message of ' + (headerLength + bodyLength)
                + ' bytes is larger than the limit of ' + this.maxBytes + ' bytes');
        }
        const total = PREFIX_BYTES + headerLength + bodyLength;
        if (all.length < total) {
            return undefined;
        }
        const headerBytes = all.subarray(PREFIX_BYTES, PREFIX_BYTES + headerLength);
        const body = Buffer.from(all.subarray(PREFIX_BYTES + headerLength, total));
        const rest = all.subarray(total);
        this.chunks = rest.length ? [Buffer.from(rest)] : [];
        this.buffered = rest.length;
        let header;
        try {
            header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(headerBytes));
        } catch (ignored) {
            header = null;
        }
        if (header === null || typeof header !== 'object' || Array.isArray(header)) {
            throw new Failure('protocol', 'InvalidHeader', 'the header is not a JSON object');
        }
        return [header, body];
    }
}

function encodeMessage(header, body = Buffer.alloc(0)) {
    // ASCII only, as the Python runner's json.dumps writes it.
    const headerText = JSON.stringify(header).replace(/[\u007f-\uffff]/g,
        (character) => '\\u' + character.charCodeAt(0).toString(16).padStart(4, '0'));
    const headerBytes = Buffer.from(headerText, 'ascii');
    const prefix = Buffer.alloc(PREFIX_BYTES);
    prefix.writeUInt32BE(headerBytes.length, 0);
    prefix.writeUInt32BE(body.length, 4);
    return Buffer.concat([prefix, headerBytes, body]);
}

function connectToPlatform(socketPath, timeoutSeconds) {
    const deadline = Date.now() + timeoutSeconds * 1000;
    return new Promise((resolve, reject) => {
        const attempt = () => {
            const connection = net.createConnection(socketPath);
            connection.once('connect', () => {
                connection.removeAllListeners('error');
                resolve(connection);
            });
            connection.once('error', (error) => {
                connection.destroy();
                // Not listening yet, or its backlog is full: the platform accepts within milliseconds.
                if (['ENOENT', 'ECONNREFUSED', 'EAGAIN'].includes(error.code)) {
                    if (Date.now() >= deadline) {
                        resolve(null);
                    } else {
                        setTimeout(attempt, CONNECT_RETRY_MS);
                    }
                } else {
                    reject(error);
                }
            });
        };
        attempt();
    });
}

function parseArguments(argv) {
    const options = { connect: null, connectTimeout: 60, logLimit: 65536, maxMessageBytes: 16 * 1024 * 1024,
        maxResultBytes: 6 * 1024 * 1024, secretsDir: null };
    const names = { '--connect': 'connect', '--connect-timeout': 'connectTimeout', '--log-limit': 'logLimit',
        '--max-message-bytes': 'maxMessageBytes', '--max-result-bytes': 'maxResultBytes',
        '--secrets-dir': 'secretsDir' };
    for (let i = 0; i < argv.length; i += 2) {
        const name = names[argv[i]];
        if (name === undefined || i + 1 >= argv.length) {
            throw new Error('unknown or incomplete argument: ' + argv[i]);
        }
        const isPath = name === 'connect' || name === 'secretsDir';
        options[name] = isPath ? argv[i + 1] : Number(argv[i + 1]);
        if (!isPath && !(options[name] > 0)) {
            throw new Error(argv[i] + ' needs a positive number, not ' + argv[i + 1]);
        }
    }
    if (!options.connect) {
        throw new Error('--connect PATH is required');
    }
    return options;
}

function fail(message, status) {
    realStderrWrite('faas_runner.js: ' + message + '\n');
    realExit(status);
}

async function main() {
    let options;
    try {
        options = parseArguments(process.argv.slice(2));
    } catch (error) {
        fail(error.message, 2);
        return;
    }
    let connection;
    try {
        connection = await connectToPlatform(options.connect, options.connectTimeout);
    } catch (error) {
        fail('cannot connect to ' + options.connect + ': ' + error.message, EXIT_CONNECTION_FAILED);
        return;
    }
    if (connection === null) {
        fail(options.connect + ' could not be reached within ' + options.connectTimeout + ' s', EXIT_NO_CONNECTION);
        return;
    }
    const runner = new Runner(options.logLimit, options.maxResultBytes, options.secretsDir);
    installCapture(runner.capture);
    process.exit = (code) => {
        throw new ProcessExit(code);
    };
    process.on('uncaughtException', (error) => runner.uncaught(error));
    process.on('unhandledRejection', (reason) => runner.uncaught(reason));

    const reader = new MessageReader(options.maxMessageBytes);
    let serving = Promise.resolve();
    let ended = false;
    connection.on('data', (chunk) => {
        reader.push(chunk);
        for (;;) {
            let message;
            try {
                message = reader.next();
            } catch (failure) {
                connection.pause();
                serving = serving.then(() => {
                    connection.end(encodeMessage({ ok: false, error: failure.error, logs: '', logs_truncated: false }),
                        () => realExit(EXIT_PROTOCOL_ERROR));
                });
                return;
            }
            if (message === undefined) {
                return;
            }
            serving = serving.then(async () => {
                const [header, body] = await runner.handle(message[0], message[1]);
                connection.write(encodeMessage(header, body));
            }).catch((error) => fail('the runner failed: ' + (error && error.stack), EXIT_CONNECTION_FAILED));
        }
    });
    connection.on('end', () => {
        ended = true;
        serving.then(() => realExit(reader.buffered > 0 ? EXIT_PROTOCOL_ERROR : 0));
    });
    connection.on('error', (error) => {
        if (!ended) {
            fail('the connection failed: ' + error.message, EXIT_CONNECTION_FAILED);
        }
    });
}

main();
