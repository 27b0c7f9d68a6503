package dev.faas.adapter.jaxrs.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.faas.ports.error.FunctionNotFoundException;
import dev.faas.ports.error.FunctionRaisedException;
import dev.faas.ports.error.InstanceTimeoutException;
import dev.faas.ports.model.FunctionId;
import dev.faas.ports.model.InvocationResult;
import dev.faas.ports.model.PoolStatus;
import dev.faas.ports.model.StartKind;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The Prometheus series the platform publishes, by name and label, scraped as Prometheus would. */
class FaasMetricsTest {

    private static final FunctionId HELLO = FunctionId.parse("hello-1");

    private final FaasMetrics metrics = new FaasMetrics();

    @AfterEach
    void close() {
        metrics.close();
    }

    @Test
    void successfulCalls_countAndTimeByFunctionAndStart() {
        metrics.invocationObserver().succeeded(result(StartKind.COLD, 120));
        metrics.invocationObserver().succeeded(result(StartKind.WARM, 3));

        String scrape = metrics.scrape();

        assertThat(scrape)
                .contains("faas_invocations_total{function=\"hello-1\",outcome=\"ok\",start=\"cold\"} 1.0")
                .contains("faas_invocations_total{function=\"hello-1\",outcome=\"ok\",start=\"warm\"} 1.0")
                .contains("faas_invocation_duration_seconds_bucket{function=\"hello-1\",start=\"warm\",le=\"0.005\"} 1")
                .contains("faas_invocation_duration_seconds_bucket{function=\"hello-1\",start=\"cold\",le=\"0.25\"} 1")
                .contains("faas_invocation_duration_seconds_count{function=\"hello-1\",start=\"cold\"} 1")
                .contains("faas_invocation_init_seconds_count{function=\"hello-1\",start=\"cold\"} 1")
                .doesNotContain("faas_invocation_init_seconds_count{function=\"hello-1\",start=\"warm\"}")
                .contains("faas_invocation_wait_seconds_count{function=\"hello-1\"} 2");
        assertThat(scrape.lines().filter(line -> line.startsWith("faas_invocation_duration_seconds_bucket{"))
                .filter(line -> line.contains("start=\"warm\""))).hasSize(16);
    }

    @Test
    void failedCalls_countByProblemType_andUnknownVersionsShareOneLabel() {
        metrics.invocationObserver().failed(HELLO,
                new FunctionRaisedException("ZeroDivisionError", "division by zero", "", ""), Duration.ofMillis(4));
        metrics.invocationObserver().failed(HELLO, new InstanceTimeoutException(Duration.ofSeconds(1), ""),
                Duration.ofSeconds(1));
        metrics.invocationObserver().failed(FunctionId.parse("made-up-7"), new FunctionNotFoundException("made-up-7"),
                Duration.ofMillis(1));

        assertThat(metrics.scrape())
                .contains("faas_invocations_total{function=\"hello-1\",outcome=\"function-error\",start=\"none\"} 1.0")
                .contains("faas_invocation_errors_total{function=\"hello-1\",type=\"function-error\"} 1.0")
                .contains("faas_invocation_errors_total{function=\"hello-1\",type=\"function-timeout\"} 1.0")
                .contains("faas_invocation_errors_total{function=\"unknown\",type=\"function-not-found\"} 1.0")
                .doesNotContain("made-up");
    }

    @Test
    void boundPool_isPublishedAsGauges_alongsideJvmMeters() {
        metrics.bindPool(() -> new PoolStatus(1, 2, 3, 4, 64, 768, 1024));

        assertThat(metrics.scrape())
                .contains("faas_instances{state=\"prewarmed\"} 1.0")
                .contains("faas_instances{state=\"warm\"} 2.0")
                .contains("faas_instances{state=\"busy\"} 3.0")
                .contains("faas_queued_calls 4.0")
                .contains("faas_max_instances 64.0")
                .contains("faas_node_memory_reserved_bytes " + 768.0 * 1024 * 1024)
                .contains("faas_node_memory_budget_bytes " + 1024.0 * 1024 * 1024)
                .contains("jvm_memory_used_bytes")
                .contains("process_uptime_seconds");
    }

    @Test
    void boundNode_isPublishedAsAnInfoGauge() {
        metrics.bindNode("node-a");

        assertThat(metrics.scrape()).contains("faas_node_info{node=\"node-a\"} 1");
    }

    @Test
    void observer_neverThrows_evenForAResultItCannotLabel() {
        metrics.invocationObserver().failed(null, new IllegalStateException("bug"), Duration.ZERO);

        assertThat(metrics.scrape())
                .contains("faas_invocation_errors_total{function=\"unknown\",type=\"internal-error\"} 1.0");
    }

    private static InvocationResult result(StartKind start, long totalMillis) {
        return new InvocationResult(HELLO, "1", start, Duration.ZERO,
                start == StartKind.WARM ? Duration.ZERO : Duration.ofMillis(totalMillis / 2),
                Duration.ofMillis(totalMillis / 2), Duration.ofMillis(totalMillis), "", false);
    }
}
