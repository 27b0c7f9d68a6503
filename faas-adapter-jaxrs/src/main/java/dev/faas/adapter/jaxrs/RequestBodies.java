package dev.faas.adapter.jaxrs;

import dev.faas.ports.error.PayloadTooLargeException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;

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
            ByteArrayOutputStream out = new ByteArrayOutputStream(Math.min(8192, maxBytes + 1));
            byte[] buffer = new byte[8192];
            int total = 0;
            int read;
            while ((read = body.read(buffer)) != -1) {
                total += read;
                if (total > maxBytes) {
                    throw new PayloadTooLargeException("the request body", maxBytes);
                }
                out.write(buffer, 0, read);
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new MalformedBodyException("the request body could not be read: " + e.getMessage());
        }
    }

    int maxBytes() {
        return maxBytes;
    }
}
