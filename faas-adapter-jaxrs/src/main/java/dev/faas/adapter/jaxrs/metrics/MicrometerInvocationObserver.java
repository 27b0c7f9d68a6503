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

    MicrometerInvocationObserver(MeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void succeeded(InvocationResult result) {
        try {
            String function = result.functionId().toString();
            String start = result.startKind().label();
            invocations(function, start, "ok").increment();
            Timer.builder("faas.invocation.duration")
                    .description("Time of successful calls in the platform, from arrival to result")
                    .tags("function", function, "start", start)
                    .serviceLevelObjectives(DURATION_BUCKETS)
                    .register(registry)
                    .record(result.totalTime());
            if (result.startKind() != StartKind.WARM) {
                Timer.builder("faas.invocation.init")
                        .description("Time spent starting an instance and loading the code, for calls not served warm")
                        .tags("function", function, "start", start)
                        .register(registry)
                        .record(result.initTime());
            }
            Timer.builder("faas.invocation.wait")
                    .description("Time calls spent waiting for a free instance")
                    .tags("function", function)
                    .register(registry)
                    .record(result.waitTime());
        } catch (RuntimeException e) {
            LOG.debug("could not record a call", e);
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
