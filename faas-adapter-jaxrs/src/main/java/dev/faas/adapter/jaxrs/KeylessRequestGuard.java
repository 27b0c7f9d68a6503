package dev.faas.adapter.jaxrs;

import dev.faas.ports.in.AuthenticateUseCase;
import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.PreMatching;
import jakarta.ws.rs.core.HttpHeaders;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Keeps web pages from driving a server that has no API key. While no key is configured every caller may do
 * everything, so a page the developer visits could otherwise {@code fetch} a "simple" text/plain POST to
 * {@code http://127.0.0.1:8080/register} (CSRF: the code runs even if the page cannot read the answer), or rebind its
 * own name to 127.0.0.1 and then read every answer (DNS rebinding). Two rules close both paths, before any resource
 * runs:
 * <ul>
 *   <li>the {@code Host} must be a loopback name or address: {@code localhost}, 127.0.0.0/8 or {@code [::1]}, with
 *       or without a port (421 {@code foreign-host}). A rebinding page always sends its own name, and a name is only
 *       accepted when it cannot be rebound: {@code localhost} itself, never {@code *.localhost} (not every resolver
 *       keeps those off the DNS);</li>
 *   <li>no request a browser marks as coming from another origin (403 {@code cross-site-request}): an {@code Origin}
 *       other than this server's own (scheme, host and port of the request; {@code Origin: null} included) or a
 *       {@code Sec-Fetch-Site} other than {@code same-origin} or {@code none}.</li>
 * </ul>
 * Programs (curl, the CLI, the seed's calls) send no {@code Origin} and no {@code Sec-Fetch-Site}, so they pass
 * whatever their {@code Content-Type}. The probes ({@code /healthz}, {@code /readyz}) are exempt: they change nothing,
 * reveal no more than up or down and the node's id, and load balancers call them by whatever name they know the node
 * by. Once any key is configured the guard steps aside: a browser never adds an {@code Authorization: Bearer} header
 * by itself, so a page cannot make an authenticated call. Thread-safe.
 */
@PreMatching
@Priority(Priorities.AUTHENTICATION - 100)
final class KeylessRequestGuard implements ContainerRequestFilter {

    private static final Pattern PORT = Pattern.compile("[0-9]{1,5}");

    private final AuthenticateUseCase authenticate;
    /** The last Host header found loopback: the verdict is a function of the text, and callers repeat theirs. */
    private volatile String lastLoopbackHost;

    KeylessRequestGuard(AuthenticateUseCase authenticate) {
        this.authenticate = Objects.requireNonNull(authenticate, "authenticate");
    }

    @Override
    public void filter(ContainerRequestContext request) {
        if (PublicPaths.isProbe(request.getUriInfo().getPath()) || authenticate.anyKeyConfigured()) {
            return;
        }
        String host = request.getHeaderString(HttpHeaders.HOST);
        if (!isLoopbackHostRemembered(host)) {
            request.abortWith(Problem.of(ProblemType.FOREIGN_HOST, "this server has no API key, so it answers only"
                    + " requests addressed to a loopback name or address (localhost, 127.0.0.1, [::1]), never another"
                    + " name a web page could point at it; use one of those, or configure an API key").build());
            return;
        }
        String scheme = request.getUriInfo().getRequestUri().getScheme();
        if (!isSameOrigin(request.getHeaderString("Origin"), scheme, host)) {
            request.abortWith(Problem.of(ProblemType.CROSS_SITE_REQUEST, "this server has no API key, so it refuses"
                    + " requests a browser sends on behalf of another site (the Origin header is not "
                    + scheme + "://" + host + "); call it from a program, or configure an API key").build());
            return;
        }
        if (!isSameOriginFetch(request.getHeaderString("Sec-Fetch-Site"))) {
            request.abortWith(Problem.of(ProblemType.CROSS_SITE_REQUEST, "this server has no API key, so it refuses"
                    + " requests a browser sends on behalf of another site (Sec-Fetch-Site is not same-origin);"
                    + " call it from a program, or configure an API key").build());
        }
    }

    private boolean isLoopbackHostRemembered(String host) {
        if (host != null && host.equals(lastLoopbackHost)) {
            return true;
        }
        boolean loopback = isLoopbackHost(host);
        if (loopback) {
            lastLoopbackHost = host;
        }
        return loopback;
    }

    /** Whether a {@code Host} header names this machine's loopback: {@code localhost}, 127.0.0.0/8 or ::1. */
    static boolean isLoopbackHost(String hostHeader) {
        HostAndPort parsed = HostAndPort.parse(hostHeader);
        // An IPv6 address in a Host header is always in brackets; HostAndPort refuses it without.
        return parsed != null && LoopbackAddresses.isLoopback(parsed.host());
    }

    /**
     * Whether an {@code Origin} header is absent (not a browser, or a same-origin GET) or names exactly the origin
     * {@code scheme://host} the request was sent to. Default ports count as written or not.
     */
    static boolean isSameOrigin(String origin, String scheme, String hostHeader) {
        if (origin == null) {
            return true;
        }
        HostAndPort server = HostAndPort.parse(hostHeader);
        if (server == null || scheme == null) {
            return false;
        }
        URI uri;
        try {
            uri = new URI(origin.strip());
        } catch (URISyntaxException e) {
            // "null" (an opaque origin: a sandboxed frame, a file, a redirect) lands here or below.
            return false;
        }
        if (uri.getScheme() == null || uri.getHost() == null || uri.getRawPath() != null && !uri.getRawPath().isEmpty()
                || uri.getRawUserInfo() != null || uri.getRawQuery() != null || uri.getRawFragment() != null) {
            return false;
        }
        String serverScheme = scheme.toLowerCase(Locale.ROOT);
        return uri.getScheme().toLowerCase(Locale.ROOT).equals(serverScheme)
                && uri.getHost().toLowerCase(Locale.ROOT).equals(server.host())
                && portOrDefault(uri.getPort(), serverScheme) == portOrDefault(server.port(), serverScheme);
    }

    /** Whether a {@code Sec-Fetch-Site} header is absent or says the request did not come from another site. */
    static boolean isSameOriginFetch(String secFetchSite) {
        if (secFetchSite == null) {
            return true;
        }
        String site = secFetchSite.strip().toLowerCase(Locale.ROOT);
        // "same-site" is refused too: another port of localhost is the same site but another origin.
        return site.equals("same-origin") || site.equals("none");
    }

    private static int portOrDefault(int port, String scheme) {
        if (port >= 0) {
            return port;
        }
        return scheme.equals("https") ? 443 : 80;
    }

    /** A {@code Host} header split into a lower-case host (IPv6 in brackets) and a port (-1: none given). */
    record HostAndPort(String host, int port) {

        static HostAndPort parse(String header) {
            if (header == null) {
                return null;
            }
            String value = header.strip().toLowerCase(Locale.ROOT);
            String host;
            String port;
            if (value.startsWith("[")) {
                int close = value.indexOf(']');
                if (close < 0) {
                    return null;
                }
                host = value.substring(0, close + 1);
                String rest = value.substring(close + 1);
                if (!rest.isEmpty() && !rest.startsWith(":")) {
                    return null;
                }
                port = rest.isEmpty() ? null : rest.substring(1);
            } else {
                int colon = value.indexOf(':');
                if (colon != value.lastIndexOf(':')) {
                    return null;
                }
                host = colon < 0 ? value : value.substring(0, colon);
                port = colon < 0 ? null : value.substring(colon + 1);
            }
            if (host.isEmpty() || host.length() > 255) {
                return null;
            }
            if (port == null) {
                return new HostAndPort(host, -1);
            }
            if (!PORT.matcher(port).matches() || Integer.parseInt(port) > 65535) {
                return null;
            }
            return new HostAndPort(host, Integer.parseInt(port));
        }
    }
}
