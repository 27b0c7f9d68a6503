package dev.faas.app.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Another function called every 200 ms while an abuse runs: it must keep answering its own result within
 * {@value #MAX_MILLIS} ms, during the abuse and right after it. Start one per test case and check it at the end.
 */
final class Canary {

    static final long MAX_MILLIS = 2000;
    static final String CODE = "def user_function():\n    return 'alive'\n";

    private final Api api;
    private final String id;
    private final List<String> failures = new ArrayList<>();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread thread;
    private long calls;
    private long slowestMillis;

    private Canary(Api api, String id) {
        this.api = api;
        this.id = id;
        this.thread = new Thread(this::loop, "canary");
        thread.setDaemon(true);
    }

    /** Starts calling {@code id} (registered with {@link #CODE}) in the background. */
    static Canary start(Api api, String id) {
        Canary canary = new Canary(api, id);
        canary.thread.start();
        return canary;
    }

    private void loop() {
        while (running.get()) {
            callOnce();
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void callOnce() {
        String failure;
        long millis = -1;
        try {
            Api.Reply reply = api.invoke(id);
            millis = reply.millis();
            failure = reply.status() == 200 && reply.body().equals("{\"result\":\"alive\"}") ? null
                    : "answered " + reply.status() + ": " + reply.body();
        } catch (RuntimeException e) {
            failure = "failed: " + e;
        }
        synchronized (this) {
            calls++;
            slowestMillis = Math.max(slowestMillis, millis);
            if (failure != null) {
                failures.add(failure);
            }
        }
    }

    /** Stops, calls once more, and asserts every call answered promptly with the canary's result. */
    void assertServedThroughout() throws InterruptedException {
        running.set(false);
        thread.join(10_000);
        callOnce();
        synchronized (this) {
            assertThat(failures).as("the canary's failed calls").isEmpty();
            assertThat(calls).as("canary calls").isGreaterThanOrEqualTo(2);
            assertThat(slowestMillis).as("the canary's slowest answer in ms, over " + calls + " calls")
                    .isLessThan(MAX_MILLIS);
        }
    }
}
