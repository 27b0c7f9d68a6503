package dev.faas.domain.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.faas.ports.error.FunctionRaisedException;
import dev.faas.ports.model.FunctionId;
import dev.faas.ports.model.InvocationResult;
import dev.faas.ports.model.NodeStatistics.CallSeries;
import dev.faas.ports.model.StartKind;
import dev.faas.testkit.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class CallStatisticsTest {

    private static final FunctionId HELLO = FunctionId.of("hello", 1);
    private static final FunctionId OTHER = FunctionId.of("other", 2);

    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00.250Z"));
    private final CallStatistics statistics = new CallStatistics(clock);

    @Test
    void givenCallsOfEachStartKind_series_countsThemInTheirSecond() {
        statistics.succeeded(result(HELLO, StartKind.COLD, 200));
        statistics.succeeded(result(HELLO, StartKind.WARM, 1));
        clock.advance(Duration.ofSeconds(1));
        statistics.succeeded(result(HELLO, StartKind.PREWARMED, 10));
        statistics.succeeded(result(OTHER, StartKind.WARM, 2));
        statistics.failed(HELLO, new FunctionRaisedException("ValueError", "no", "", ""), Duration.ofMillis(3));

        CallSeries series = statistics.series();

        int last = series.seconds() - 1;
        assertThat(series.seconds()).isEqualTo(CallStatistics.SERIES_SECONDS);
        assertThat(series.start()).isEqualTo(Instant.parse("2026-01-01T00:00:01Z").minusSeconds(last));
        assertThat(series.calls()[last - 1]).isEqualTo(2);
        assertThat(series.cold()[last - 1]).isEqualTo(1);
        assertThat(series.warm()[last - 1]).isEqualTo(1);
        assertThat(series.calls()[last]).isEqualTo(3);
        assertThat(series.errors()[last]).isEqualTo(1);
        assertThat(series.prewarmed()[last]).isEqualTo(1);
        assertThat(series.warm()[last]).isEqualTo(1);
        assertThat(series.calls()[last - 2]).isZero();
        assertThat(series.p50Ms()[last]).isCloseTo(2.0, within(0.25));
        assertThat(series.p99Ms()[last]).isCloseTo(10.0, within(1.25));
    }

    @Test
    void givenAHundredCalls_functions_estimatesTheirPercentilesWithinABucket() {
        for (int millis = 1; millis <= 100; millis++) {
            statistics.succeeded(result(HELLO, StartKind.WARM, millis));
        }
        statistics.failed(HELLO, new IllegalStateException("crash"), Duration.ofMillis(5));

        CallStatistics.Figures figures = statistics.functions().get(HELLO);

        assertThat(figures.calls()).isEqualTo(101);
        assertThat(figures.errors()).isEqualTo(1);
        assertThat(figures.p50Ms()).isCloseTo(50.0, within(50.0 * 0.125));
        assertThat(figures.p99Ms()).isCloseTo(99.0, within(99.0 * 0.125));
    }

    @Test
    void givenCallsOlderThanTheWindow_theyDropOut_andTheVersionIsForgotten() {
        statistics.succeeded(result(HELLO, StartKind.WARM, 1));
        clock.advance(Duration.ofMinutes(CallStatistics.FUNCTION_MINUTES));
        statistics.succeeded(result(OTHER, StartKind.WARM, 1));
        assertThat(statistics.functions()).containsKeys(HELLO, OTHER);

        clock.advance(Duration.ofMinutes(1));
        Map<FunctionId, CallStatistics.Figures> later = statistics.functions();

        assertThat(later).containsOnlyKeys(OTHER);

        clock.advance(Duration.ofMinutes(10));
        statistics.succeeded(result(HELLO, StartKind.WARM, 1));
        assertThat(statistics.functions()).containsOnlyKeys(HELLO);
        assertThat(statistics.functions().get(HELLO).calls()).isEqualTo(1);
    }

    @Test
    void aSlotReusedAfterAWholeRing_startsFromZero() {
        statistics.succeeded(result(HELLO, StartKind.WARM, 1));
        clock.advance(Duration.ofSeconds(CallStatistics.SERIES_SECONDS + 2));
        statistics.succeeded(result(HELLO, StartKind.COLD, 1));

        CallSeries series = statistics.series();

        assertThat(series.calls()[series.seconds() - 1]).isEqualTo(1);
        assertThat(series.cold()[series.seconds() - 1]).isEqualTo(1);
        assertThat(series.warm()).containsOnly(0L);
    }

    @Test
    void bucketsAreFourPerPowerOfTwo_andPercentilesOfNothingAreZero() {
        assertThat(CallStatistics.bucket(Duration.ofNanos(1))).isZero();
        assertThat(CallStatistics.bucket(Duration.ofNanos(1_000))).isZero();
        assertThat(CallStatistics.bucket(Duration.ofNanos(1_024_000))).isEqualTo(40);
        assertThat(CallStatistics.bucket(Duration.ofNanos(1_280_000))).isEqualTo(41);
        assertThat(CallStatistics.bucket(Duration.ofHours(5))).isEqualTo(CallStatistics.BUCKETS - 1);
        assertThat(CallStatistics.lowerMicros(41)).isEqualTo(1280.0);
        assertThat(CallStatistics.percentileMs(new long[CallStatistics.BUCKETS], 0.5)).isZero();
    }

    @Test
    void concurrentCalls_areAllCounted() throws Exception {
        int threads = 8;
        int callsEach = 5_000;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            done.add(pool.submit(() -> {
                start.await();
                for (int i = 0; i < callsEach; i++) {
                    statistics.succeeded(result(HELLO, StartKind.WARM, 1));
                }
                return null;
            }));
        }
        start.countDown();
        for (Future<?> future : done) {
            future.get();
        }
        pool.shutdown();

        assertThat(statistics.functions().get(HELLO).calls()).isEqualTo((long) threads * callsEach);
        assertThat(statistics.series().warm()[CallStatistics.SERIES_SECONDS - 1]).isEqualTo((long) threads * callsEach);
    }

    private static InvocationResult result(FunctionId id, StartKind start, long totalMillis) {
        return new InvocationResult(id, "1", start, Duration.ZERO, Duration.ZERO, Duration.ofMillis(totalMillis),
                Duration.ofMillis(totalMillis), "", false);
    }
}
