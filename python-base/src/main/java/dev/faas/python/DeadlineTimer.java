package dev.faas.python;

import dev.faas.ports.error.InstanceCrashedException;
import dev.faas.ports.error.InstanceTimeoutException;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Bounds the runtimes' runner calls in time: past a call's deadline the instance is killed, which breaks its
 * connection and ends the blocked call, and the call ends in {@link InstanceTimeoutException}; the instance is
 * discarded, never reused. Thread-safe; one timer serves every instance of a runtime.
 */
public final class DeadlineTimer implements AutoCloseable {

    /** What a runtime does to one of its instances around a guarded call. */
    public interface Guarded {

        /** Kills the instance at its deadline; runs on the timer's thread and must not block for long. */
        void kill();

        /** Stops and removes the instance: it must not serve again. */
        void discard();

        /** Explains, and discards the instance, when its connection broke before the deadline. */
        RuntimeException crashed(RunnerConnectionLostException lost);
    }

    private static final int PENDING = 0;
    private static final int FIRED = 1;
    private static final int ENDED = 2;

    private final ScheduledThreadPoolExecutor timer;

    /** @param threads more than one lets a slow kill (an engine call) not delay another deadline */
    public DeadlineTimer(String threadName, int threads) {
        AtomicInteger number = new AtomicInteger();
        this.timer = new ScheduledThreadPoolExecutor(threads, task -> {
            Thread thread = new Thread(task, threadName + "-" + number.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        timer.setRemoveOnCancelPolicy(true);
    }

    /** Runs {@code call} on {@code instance}, killing it if it takes longer than {@code timeout}. */
    public <T> T call(Guarded instance, Duration timeout, Supplier<T> call) {
        // Exactly one of the deadline and the call's end wins; whichever comes second sees it lost.
        AtomicInteger state = new AtomicInteger(PENDING);
        ScheduledFuture<?> deadline = timer.schedule(() -> {
            if (state.compareAndSet(PENDING, FIRED)) {
                instance.kill();
            }
        }, timeout.toNanos(), TimeUnit.NANOSECONDS);
        try {
            T result = call.get();
            if (!state.compareAndSet(PENDING, ENDED)) {
                // The deadline fired as the reply arrived: the instance is being killed, so the call counts as late.
                instance.discard();
                throw new InstanceTimeoutException(timeout, "");
            }
            return result;
        } catch (RunnerConnectionLostException lost) {
            if (!state.compareAndSet(PENDING, ENDED)) {
                instance.discard();
                throw new InstanceTimeoutException(timeout, "");
            }
            throw instance.crashed(lost);
        } catch (InstanceCrashedException protocolBroken) {
            // The runner answered nonsense: whatever it is doing now, it must not serve again.
            state.compareAndSet(PENDING, ENDED);
            instance.discard();
            throw protocolBroken;
        } finally {
            state.compareAndSet(PENDING, ENDED);
            deadline.cancel(false);
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
