package dev.faas.adapter.jaxrs;

import dev.faas.ports.in.AuthenticateUseCase;
import dev.faas.ports.in.GetFunctionUseCase;
import dev.faas.ports.in.InvokeFunctionCommand;
import dev.faas.ports.in.InvokeFunctionUseCase;
import dev.faas.ports.model.AccessRole;
import dev.faas.ports.model.AuthenticatedCaller;
import dev.faas.ports.model.FunctionId;
import dev.faas.ports.model.FunctionName;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.glassfish.grizzly.http.server.HttpHandler;
import org.glassfish.grizzly.http.server.Request;

/**
 * The warm call's own way through the server: a plain synchronous call of a function by name or by version,
 * {@code POST /functions/{name}/invoke}, {@code POST /functions/{name}/versions/{version}/invoke} or the seed's
 * {@code POST /invoke}, from a caller
 * allowed to make it, is served here without Jersey, whose routing, injection and filters cost about twice the
 * function's own round trip on a warm call (JFR, {@code bench/wrk.sh}). Every other request, and every one of these
 * that any rule would refuse (no or a bad key, a role that may not invoke, a keyless server asked by a browser or by a
 * foreign name, a body over the limit, a query string, {@code Prefer}, a name or version that is not one), goes to
 * Jersey untouched, so refusals and every other mode have exactly one implementation. What this path answers is
 * what Jersey would: the same headers and body ({@link InvocationResponses}), the same problem documents
 * ({@link ProblemTable}) for a failure once the call is under way, the same request id and log line
 * ({@link RequestLogFilter}); {@code InvokeFastPathTest} compares the two answer by answer. Thread-safe.
 */
public final class InvokeFastPath {

    /** The seed's call: the version and its params in the body. */
    private static final String SEED_INVOKE = "/invoke";

    /** Raw path segments that decode to themselves and could be a name or a version. */
    private static final Pattern INVOKE = Pattern.compile(
            "/functions/([A-Za-z0-9._-]{1,128})(?:/versions/([1-9][0-9]{0,8}))?/invoke");

    private final InvokeFunctionUseCase invoke;
    private final GetFunctionUseCase get;
    private final AuthenticateUseCase authenticate;
    private final RequestBodies bodies;
    /** The last Host header found loopback, as {@link KeylessRequestGuard} remembers it. */
    private volatile String lastLoopbackHost;

    private InvokeFastPath(InvokeFunctionUseCase invoke, GetFunctionUseCase get, AuthenticateUseCase authenticate,
                           RequestBodies bodies) {
        this.invoke = Objects.requireNonNull(invoke, "invoke");
        this.get = Objects.requireNonNull(get, "get");
        this.authenticate = Objects.requireNonNull(authenticate, "authenticate");
        this.bodies = Objects.requireNonNull(bodies, "bodies");
    }

    /**
     * The fast path of an application made by {@link FaasResourceConfig#create} from {@code useCases} and
     * {@code settings}, guarded by {@link AccessControl#install} with {@code authenticate}: pass it to
     * {@link FaasHttpServer#start(String, int, int, java.time.Duration, org.glassfish.jersey.server.ResourceConfig,
     * javax.net.ssl.SSLContext, InvokeFastPath)} with that application.
     */
    public static InvokeFastPath of(ApiUseCases useCases, AuthenticateUseCase authenticate, ApiSettings settings) {
        return new InvokeFastPath(useCases.invoke(), useCases.get(), authenticate, new RequestBodies(settings));
    }

    /** A handler answering the calls this path serves and handing every other request to {@code jersey}. */
    HttpHandler before(HttpHandler jersey) {
        Objects.requireNonNull(jersey, "jersey");
        return new HttpHandler("faas-invoke") {
            @Override
            public void service(Request request, org.glassfish.grizzly.http.server.Response response)
                    throws Exception {
                Target target = target(request);
                if (target == null) {
                    jersey.service(request, response);
                } else {
                    serve(request, response, target);
                }
            }

            @Override
            public void start() {
                jersey.start();
            }

            @Override
            public void destroy() {
                jersey.destroy();
            }
        };
    }

    /** The call this request makes, or null when Jersey must answer it. */
    private Target target(Request request) {
        if (!"POST".equals(request.getMethod().getMethodString()) || request.getQueryString() != null
                || request.getHeader("Prefer") != null || request.getHeader("Origin") != null
                || request.getHeader("Sec-Fetch-Site") != null || request.getContentLength() > bodies.maxBytes()) {
            return null;
        }
        String uri = request.getRequestURI();
        if (SEED_INVOKE.equals(uri)) {
            return mayInvoke(request) ? Target.SEED : null;
        }
        Matcher path = INVOKE.matcher(uri);
        if (!path.matches() || !mayInvoke(request)) {
            return null;
        }
        FunctionName name;
        try {
            name = FunctionName.of(path.group(1));
        } catch (RuntimeException notAName) {
            return null;
        }
        String version = path.group(2);
        return new Target(name, version == null ? 0 : Integer.parseInt(version));
    }

    /** Whether the filters Jersey runs would let this caller invoke; any doubt (the key store down, say): no. */
    private boolean mayInvoke(Request request) {
        try {
            if (!authenticate.anyKeyConfigured()) {
                return isLoopbackHost(request.getHeader(HttpHeaders.HOST));
            }
            String token = BearerAuthFilter.bearerToken(request.getHeader(HttpHeaders.AUTHORIZATION));
            if (token == null) {
                return false;
            }
            Optional<AuthenticatedCaller> caller = authenticate.authenticate(token);
            return caller.isPresent() && caller.get().may(AccessRole.INVOKE);
        } catch (RuntimeException unsure) {
            return false;
        }
    }

    private boolean isLoopbackHost(String host) {
        if (host != null && host.equals(lastLoopbackHost)) {
            return true;
        }
        boolean loopback = KeylessRequestGuard.isLoopbackHost(host);
        if (loopback) {
            lastLoopbackHost = host;
        }
        return loopback;
    }

    private void serve(Request request, org.glassfish.grizzly.http.server.Response response, Target target)
            throws IOException {
        long started = System.nanoTime();
        String requestId = RequestLogFilter.idFor(request.getHeader(RequestLogFilter.HEADER));
        FunctionId id = null;
        Response answer;
        String problemType = null;
        try {
            // In Jersey's order: the body is read and checked before the name is looked up.
            byte[] body = bodies.read(request.getInputStream());
            String params;
            if (target == Target.SEED) {
                RequestDocuments.SeedInvocation seed = JsonBinding.read(body, RequestDocuments.SeedInvocation.class);
                id = FunctionId.parse(RequestDocuments.required("name", seed.name()));
                params = seed.paramsJson();
            } else {
                params = RawJsonObject.ofBody(body).text();
                id = target.version() == 0 ? get.latestId(target.name())
                        : new FunctionId(target.name(), target.version());
            }
            answer = InvocationResponses.ok(invoke.invoke(new InvokeFunctionCommand(id, params)));
        } catch (RuntimeException failure) {
            Problem problem = ProblemTable.problem(failure, requestId).with("requestId", requestId);
            problemType = problem.type().slug();
            answer = problem.build();
        }
        write(answer, requestId, response);
        String function = answer.getHeaderString(InvocationResponses.FUNCTION_HEADER);
        RequestLogFilter.log(request.getMethod().getMethodString(), request.getRequestURI(), answer.getStatus(),
                started, requestId, function != null ? function : id == null ? null : id.toString(),
                answer.getHeaderString(InvocationResponses.START_HEADER), problemType);
    }

    /** Writes {@code answer} as Jersey would, with the request's id. */
    private static void write(Response answer, String requestId, org.glassfish.grizzly.http.server.Response response)
            throws IOException {
        String reason = answer.getStatusInfo().getReasonPhrase();
        response.setStatus(answer.getStatus(), reason == null ? "" : reason);
        for (Map.Entry<String, List<String>> header : answer.getStringHeaders().entrySet()) {
            if (!header.getKey().equalsIgnoreCase(HttpHeaders.CONTENT_TYPE)) {
                for (String value : header.getValue()) {
                    response.addHeader(header.getKey(), value);
                }
            }
        }
        response.setHeader(RequestLogFilter.HEADER, requestId);
        response.setContentType(answer.getMediaType().toString());
        byte[] body = ((String) answer.getEntity()).getBytes(StandardCharsets.UTF_8);
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }

    /** A function by name (version 0: the latest) or by version; {@link #SEED}: the one the seed's body names. */
    private record Target(FunctionName name, int version) {

        static final Target SEED = new Target(null, -1);
    }
}
