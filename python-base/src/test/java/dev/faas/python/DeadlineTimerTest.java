package dev.faas.python;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.faas.ports.error.InstanceCrashedException;
import dev.faas.ports.error.InstanceTimeoutException;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class DeadlineTimerTest {

    private final DeadlineTimer timer = new DeadlineTimer("test-deadlines", 1);
    private final AtomicInteger kills = new AtomicInteger();
    private final AtomicInteger discards = new AtomicInteger();
    private final CountDownLatch killStarted = new CountDownLatch(1);

    @AfterEach
    void closeTimer() {
        timer.close();
    }

    /**
     * An instance whose kill takes a while, like a kill through a busy engine: the sleep is the scenario (a reply
     * arriving while the kill is under way), not a wait for something to happen.
     */
    private final DeadlineTimer.Guarded slowToKill = new DeadlineTimer.Guarded() {
        @Override
        public void kill() {
            kills.incrementAndGet();
            killStarted.countDown();
            sleep(300);
        }

        @Override
        public void discard() {
            discards.incrementAndGet();
        }

        @Override
        public RuntimeException crashed(RunnerConnectionLostException lost) {
            discards.incrementAndGet();
            return new InstanceCrashedException("crashed", lost);
        }
    };

    @Test
    void givenCallWithinItsDeadline_call_returnsItsResultAndKillsNothing() {
        assertThat(timer.call(slowToKill, Duration.ofSeconds(5), () -> "done")).isEqualTo("done");
        assertThat(kills).hasValue(0);
        assertThat(discards).hasValue(0);
    }

    @Test
    void givenReplyArrivingWhileTheDeadlineKills_call_isATimeoutAndTheInstanceIsDiscarded() {
        assertThatThrownBy(() -> timer.call(slowToKill, Duration.ofMillis(50), () -> {
            await(killStarted);
            return "too late";
        })).isInstanceOf(InstanceTimeoutException.class);

        assertThat(kills).hasValue(1);
        assertThat(discards).hasValue(1);
    }

    @Test
    void givenConnectionLostBeforeTheDeadline_call_reportsACrash() {
        assertThatThrownBy(() -> timer.call(slowToKill, Duration.ofSeconds(5), () -> {
            throw new RunnerConnectionLostException(new IOException("reset"));
        })).isInstanceOf(InstanceCrashedException.class);

        assertThat(kills).hasValue(0);
        assertThat(discards).hasValue(1);
    }

    @Test
    void givenConnectionLostBecauseOfTheDeadline_call_isATimeout() {
        assertThatThrownBy(() -> timer.call(slowToKill, Duration.ofMillis(50), () -> {
            await(killStarted);
            throw new RunnerConnectionLostException(new IOException("killed"));
        })).isInstanceOf(InstanceTimeoutException.class);

        assertThat(discards).hasValue(1);
    }

    private static void await(CountDownLatch latch) {
        try {
            assertThat(latch.await(5, TimeUnit.SECONDS)).isTrue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
