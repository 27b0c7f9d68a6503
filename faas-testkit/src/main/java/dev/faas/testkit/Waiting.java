package dev.faas.testkit;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Arrays;
import java.util.function.Supplier;

/** Waits on what another thread is doing, for tests that must act while it blocks in a call. */
public final class Waiting {

    private Waiting() {
    }

    /**
     * Returns once the thread {@code thread} supplies (null until it exists) is inside {@code frame}, a method named
     * {@code "method"} or {@code "SimpleClassName.method"}, or has ended; fails after 30 s.
     */
    public static void untilInside(Supplier<Thread> thread, String frame) {
        await(thread + " inside " + frame).atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(5))
                .until(() -> {
                    Thread current = thread.get();
                    return current != null && (!current.isAlive() || Arrays.stream(current.getStackTrace())
                            .anyMatch(element -> matches(element, frame)));
                });
    }

    private static boolean matches(StackTraceElement element, String frame) {
        String className = element.getClassName();
        String simpleName = className.substring(className.lastIndexOf('.') + 1);
        return frame.equals(element.getMethodName()) || frame.equals(simpleName + "." + element.getMethodName());
    }
}
