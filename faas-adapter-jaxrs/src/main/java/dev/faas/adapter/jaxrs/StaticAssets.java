package dev.faas.adapter.jaxrs;

import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Files of the dashboard read from the class path (the project's own under {@value #OWN}, libraries' from their
 * webjars), kept in memory once read, and the headers every page and asset is served with: a Content-Security-Policy
 * allowing only this origin's scripts, styles and requests (no inline script, no framing), {@code nosniff}, no
 * referrer, no framing. Only names a caller of this class lists are ever looked up. Thread-safe.
 */
final class StaticAssets {

    static final String OWN = "/dev/faas/adapter/jaxrs/ui/";

    static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self';"
            + " img-src 'self' data:; font-src 'self'; connect-src 'self'; manifest-src 'self'; base-uri 'none';"
            + " form-action 'self'; frame-ancestors 'none'";

    private static final Map<String, byte[]> CACHE = new ConcurrentHashMap<>();

    private StaticAssets() {
    }

    /** The file at {@code classPathName} with the security headers and the media type of its extension. */
    static Response serve(String classPathName) {
        byte[] content = CACHE.computeIfAbsent(classPathName, StaticAssets::load);
        return withSecurityHeaders(Response.ok(content, mediaType(classPathName)))
                .header("Cache-Control", "no-cache")
                .build();
    }

    static Response.ResponseBuilder withSecurityHeaders(Response.ResponseBuilder response) {
        return response
                .header("Content-Security-Policy", CONTENT_SECURITY_POLICY)
                .header("X-Frame-Options", "DENY")
                .header("X-Content-Type-Options", "nosniff")
                .header("Referrer-Policy", "no-referrer")
                .header("Cross-Origin-Opener-Policy", "same-origin")
                .header("Cross-Origin-Resource-Policy", "same-origin")
                .header("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=(), usb=()");
    }

    private static byte[] load(String classPathName) {
        try (InputStream in = StaticAssets.class.getResourceAsStream(classPathName)) {
            if (in == null) {
                throw new IllegalStateException(classPathName + " is missing from the class path");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + classPathName, e);
        }
    }

    static String mediaType(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        if (lower.endsWith(".html")) {
            return "text/html; charset=utf-8";
        }
        if (lower.endsWith(".js")) {
            return "text/javascript; charset=utf-8";
        }
        if (lower.endsWith(".css")) {
            return "text/css; charset=utf-8";
        }
        if (lower.endsWith(".svg")) {
            return "image/svg+xml";
        }
        if (lower.endsWith(".png")) {
            return "image/png";
        }
        throw new NotFoundException();
    }
}
