package dev.faas.adapter.jaxrs;

import java.util.Set;

/**
 * The probes ({@code /healthz}, {@code /readyz}), and the dashboard's pages ({@link #isPage}), which answer load balancers without a key and never wait for the key
 * store. Filters that run before a request is matched recognise them by path; once matched, their {@code @PermitAll}
 * is what lets them through, whatever the path looked like.
 */
final class PublicPaths {

    /** Paths anyone may read, relative to the application's root, without slashes around. */
    static final Set<String> PROBES = Set.of("healthz", "readyz");

    private PublicPaths() {
    }

    /** Whether a request path (as {@code UriInfo.getPath()} gives it) is one of the probes. */
    static boolean isProbe(String requestPath) {
        return PROBES.contains(trimSlashes(requestPath));
    }

    /**
     * Whether a request path is one of the dashboard's pages or assets ({@code /ui}, {@code /docs},
     * {@code /webjars/...}): public files, the same for everyone, which the page's script needs before the user has
     * signed in. Only {@code @PermitAll} methods pass once matched, so another path that merely looks like one (say
     * {@code ui/../functions}) gets no role.
     */
    static boolean isPage(String requestPath) {
        String path = trimSlashes(requestPath);
        return path.equals("ui") || path.equals("docs") || path.startsWith("ui/") || path.startsWith("webjars/");
    }

    private static String trimSlashes(String path) {
        if (path == null) {
            return "";
        }
        int start = 0;
        int end = path.length();
        while (start < end && path.charAt(start) == '/') {
            start++;
        }
        while (end > start && path.charAt(end - 1) == '/') {
            end--;
        }
        return path.substring(start, end);
    }
}
