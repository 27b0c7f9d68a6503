package dev.faas.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * A Python function that forges its runner's reply with the right call number ({@code forge_reply.py}: its
 * {@code kind} says how, {@code "none"} answers for real), for the runner's own tests and the end-to-end suite alike.
 */
public final class ReplyForger {

    /** The function's source. */
    public static final String CODE = read();

    private ReplyForger() {
    }

    private static String read() {
        try (InputStream source = ReplyForger.class.getResourceAsStream("forge_reply.py")) {
            return new String(source.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
