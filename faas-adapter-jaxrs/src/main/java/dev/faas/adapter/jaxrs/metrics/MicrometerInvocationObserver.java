package dev.faas.adapter.jaxrs.metrics;

import dev.faas.adapter.jaxrs.ProblemType;
import dev.faas.ports.model.FunctionId;
import dev.faas.ports.model.InvocationResult;
import dev.faas.ports.model.StartKind;
import dev.faas.ports.out.InvocationObserver;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts and times calls with Micrometer. Labels stay few: {@code function} is a stored version's id, never text a
 * caller made up (calls of unknown versions count under {@value #UNKNOWN_FUNCTION}), {@code start} one of three
 * kinds, {@code outcome} and {@code type} a problem type slug. Thread-safe; never throws.
 */
final class MicrometerInvocationObserver implements InvocationObserver {

    static final String UNKNOWN_FUNCTION = "unknown";
    static final String NO_START = "none";

    private static final Logger LOG = LoggerFactory.getLogger(MicrometerInvocationObserver.class);
    /**
     * The latency histogram's buckets, up to the longest timeout: a fixed, short list rather than Micrometer's
     * default of about 70 per series, because every function version and start kind has its own series.
     */
    static final Duration[] DURATION_BUCKETS = {
            Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50),
            Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1),
            Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(30),
            Duration.ofSeconds(60), Duration.ofMinutes(5), Duration.ofMinutes(15)};

    private final MeterRegistry registry;
    /**
     * The meters of successful calls, per version and start kind, built on a version's first call of that kind: the
     * warm path then only looks them up. Like the registry's own meters, they are kept for the process's life.
     */
    private final ConcurrentHashMap<FunctionId, SuccessMeters[]> successMeters = new ConcurrentHashMap<>();

    MicrometerInvocationObserver(MeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void succeeded(InvocationResult result) {
        try {
            SuccessMeters[] byStart = successMeters.computeIfAbsent(result.functionId(),
                    id -> new SuccessMeters[StartKind.values().length]);
            int kind = result.startKind().ordinal();
            SuccessMeters meters = byStart[kind];
            if (meters == null) {
                // Registering is idempotent, so two first calls racing here get the same meters.
                meters = new SuccessMeters(result.functionId().toString(), result.startKind());
                byStart[kind] = meters;
            }
            meters.record(result);
        } catch (RuntimeException e) {
            LOG.debug("could not record a call", e);
        }
    }

    /** The meters one successful call of a version and start kind moves. */
    private final class SuccessMeters {

        private final Counter calls;
        private final Timer duration;
        private final Timer init;
        private final Timer wait;

        SuccessMeters(String function, StartKind startKind) {
            String start = startKind.label();
            calls = invocations(function, start, "ok");
            duration = Timer.builder("faas.invocation.duration")
                    .description("Time of successful calls in the platform, from arrival to result")
                    .tags("function", function, "start", start)
                    .serviceLevelObjectives(DURATION_BUCKETS)
                    .register(registry);
            init = startKind == StartKind.WARM ? null : Timer.builder("faas.invocation.init")
                    .description("Time spent starting an instance and loading the code, for calls not served warm")
                    .tags("function", function, "start", start)
                    .register(registry);
            wait = Timer.builder("faas.invocation.wait")
                    .description("Time calls spent waiting for a free instance")
                    .tags("function", function)
                    .register(registry);
        }

        void record(InvocationResult result) {
            calls.increment();
            duration.record(result.totalTime());
            if (init != null) {
                init.record(result.initTime());
            }
            wait.record(result.waitTime());
        }
    }

    @Override
    public void failed(FunctionId functionId, RuntimeException failure, Duration took) {
        try {
            ProblemType type = ProblemType.of(failure);
            String function = type == ProblemType.FUNCTION_NOT_FOUND || type == ProblemType.INVALID_REQUEST
                    || functionId == null ? UNKNOWN_FUNCTION : functionId.toString();
            invocations(function, NO_START, type.slug()).increment();
            Counter.builder("faas.invocation.errors")
                    .description("Failed calls by problem type: the user's code (4xx) or the platform (429, 5xx)")
                    .tags("function", function, "type", type.slug())
                    .register(registry)
                    .increment();
        } catch (RuntimeException e) {
            LOG.debug("could not record a failed call", e);
        }
    }

    private Counter invocations(String function, String start, String outcome) {
        return Counter.builder("faas.invocations")
                .description("Calls by function version, how the instance started, and outcome (ok or a problem type)")
                .tags("function", function, "start", start, "outcome", outcome)
                .register(registry);
    }
}
