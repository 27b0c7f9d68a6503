package dev.faas.adapter.jaxrs;

/** Limits the HTTP layer enforces before any use case runs: the largest request body accepted. */
public record ApiSettings(int maxRequestBytes) {

    public static ApiSettings defaults() {
        return new ApiSettings(6 * 1024 * 1024);
    }
}
