package dev.faas.adapter.jaxrs;

import dev.faas.ports.error.PayloadTooLargeException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/** Reads request bodies up to the API's size limit, so an oversized body is refused before anything runs. */
final class RequestBodies {

    private final int maxBytes;

    RequestBodies(ApiSettings settings) {
        this.maxBytes = settings.maxRequestBytes();
    }

    byte[] read(InputStream body) {
        if (body == null) {
            return new byte[0];
        }
        try {
            // Small bodies (most calls) are usually buffered whole already: one right-sized array, no copy chain.
            byte[] buffer = new byte[Math.min(Math.max(body.available(), 256) + 1, maxBytes + 1)];
            int total = 0;
            int read;
            while ((read = body.read(buffer, total, buffer.length - total)) != -1) {
                total += read;
                if (total > maxBytes) {
                    throw new PayloadTooLargeException("the request body", maxBytes);
                }
                if (total == buffer.length) {
                    buffer = Arrays.copyOf(buffer, (int) Math.min((long) maxBytes + 1, 2L * buffer.length));
                }
            }
            return total == buffer.length ? buffer : Arrays.copyOf(buffer, total);
        } catch (IOException e) {
            throw new MalformedBodyException("the request body could not be read: " + e.getMessage());
        }
    }

    int maxBytes() {
        return maxBytes;
    }
}
