package dev.faas.adapter.jaxrs.metrics;

import dev.faas.ports.in.PoolStatusUseCase;
import dev.faas.ports.model.ActivationQueueStats;
import dev.faas.ports.model.ActivationStatus;
import dev.faas.ports.model.PoolStatus;
import dev.faas.ports.out.InvocationObserver;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.function.Supplier;
import java.util.function.ToIntFunction;

/**
 * The server's meters in one Prometheus registry: invocations (through {@link #invocationObserver()}), the pool's
 * instances and queue (after {@link #bindPool}), and the JVM's memory, threads, GC, CPU and uptime. Thread-safe.
 */
public final class FaasMetrics implements AutoCloseable {

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final JvmGcMetrics gcMetrics = new JvmGcMetrics();
    private final InvocationObserver observer;

    public FaasMetrics() {
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        gcMetrics.bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        observer = new MicrometerInvocationObserver(registry);
    }

    /** Records every call into {@code faas_invocations_total}, {@code faas_invocation_duration_seconds} and kin. */
    public InvocationObserver invocationObserver() {
        return observer;
    }

    /**
     * Publishes {@code faas_instances{state}}, {@code faas_queued_calls}, {@code faas_max_instances}, and the memory
     * budget's {@code faas_node_memory_reserved_bytes} and {@code faas_node_memory_budget_bytes}, and
     * {@code faas_egress_instances}.
     */
    public FaasMetrics bindPool(PoolStatusUseCase pool) {
        instances(pool, "prewarmed", PoolStatus::prewarmed);
        instances(pool, "warm", PoolStatus::warm);
        instances(pool, "busy", PoolStatus::busy);
        Gauge.builder("faas.egress.instances", pool, gauge(PoolStatus::egress))
                .description("Instances (warm or busy) of versions with network egress")
                .strongReference(true)
                .register(registry);
        Gauge.builder("faas.queued.calls", pool, gauge(PoolStatus::queuedCalls))
                .description("Calls waiting for a free instance")
                .strongReference(true)
                .register(registry);
        Gauge.builder("faas.max.instances", pool, gauge(PoolStatus::maxInstances))
                .description("Instances this node may run at once, all functions together")
                .strongReference(true)
                .register(registry);
        Gauge.builder("faas.node.memory.reserved", pool, p -> megabytes(p.poolStatus().reservedMemoryMb()))
                .description("Memory limits of the instances on this node, added up")
                .baseUnit("bytes")
                .strongReference(true)
                .register(registry);
        Gauge.builder("faas.node.memory.budget", pool, p -> megabytes(p.poolStatus().memoryBudgetMb()))
                .description("The most the memory limits of this node's instances may add up to")
                .baseUnit("bytes")
                .strongReference(true)
                .register(registry);
        return this;
    }

    /**
     * Publishes the asynchronous calls' {@code faas_async_queued_calls}, {@code faas_async_oldest_queued_age_seconds}
     * and {@code faas_activations{status}} (all nodes sharing the store together), reading {@code stats} at most once
     * a second however many gauges a scrape reads.
     */
    public FaasMetrics bindActivations(Supplier<ActivationQueueStats> stats) {
        CachedStats cached = new CachedStats(stats);
        Gauge.builder("faas.async.queued.calls", cached, c -> c.get().queued())
                .description("Asynchronous calls waiting in the store's queue, all nodes together")
                .strongReference(true)
                .register(registry);
        Gauge.builder("faas.async.oldest.queued.age", cached, c -> {
                    ActivationQueueStats now = c.get();
                    return now.oldestQueuedAt() == null ? 0.0
                            : Math.max(0, Duration.between(now.oldestQueuedAt(), Clock.systemUTC().instant())
                            .toMillis() / 1000.0);
                })
                .description("How long the oldest queued asynchronous call has waited")
                .baseUnit("seconds")
                .strongReference(true)
                .register(registry);
        for (ActivationStatus status : ActivationStatus.values()) {
            Gauge.builder("faas.activations", cached, c -> c.get().byStatus().getOrDefault(status, 0L))
                    .description("Activations kept in the store, by status")
                    .tag("status", status.label())
                    .strongReference(true)
                    .register(registry);
        }
        return this;
    }

    /** The store's figures, read again when a second old; a failed read shows the last figures. */
    private static final class CachedStats {
        private final Supplier<ActivationQueueStats> source;
        private ActivationQueueStats last = new ActivationQueueStats(0, null, java.util.Map.of());
        private long readAtNanos;
        private boolean read;

        CachedStats(Supplier<ActivationQueueStats> source) {
            this.source = source;
        }

        synchronized ActivationQueueStats get() {
            long now = System.nanoTime();
            if (!read || now - readAtNanos > 1_000_000_000L) {
                readAtNanos = now;
                read = true;
                try {
                    last = source.get();
                } catch (RuntimeException unavailable) {
                    // The store is down: readiness says so; the gauges keep their last values.
                }
            }
            return last;
        }
    }

    /** Publishes {@code faas_node_info{node="<nodeId>"} 1}, so scrapes of several nodes tell which is which. */
    public FaasMetrics bindNode(String nodeId) {
        Gauge.builder("faas.node.info", nodeId, id -> 1.0)
                .description("This node's id, in the node label; always 1")
                .tag("node", nodeId)
                .strongReference(true)
                .register(registry);
        return this;
    }

    /** Every meter in the Prometheus text format 0.0.4. */
    public String scrape() {
        return registry.scrape();
    }

    public MeterRegistry registry() {
        return registry;
    }

    @Override
    public void close() {
        gcMetrics.close();
        registry.close();
    }

    private void instances(PoolStatusUseCase pool, String state, ToIntFunction<PoolStatus> count) {
        Gauge.builder("faas.instances", pool, gauge(count))
                .description("Instances on this node by state: prewarmed (no code yet), warm (idle) and busy")
                .tag("state", state)
                .strongReference(true)
                .register(registry);
    }

    private static double megabytes(long megabytes) {
        return megabytes * 1024.0 * 1024.0;
    }

    private static java.util.function.ToDoubleFunction<PoolStatusUseCase> gauge(ToIntFunction<PoolStatus> count) {
        return pool -> count.applyAsInt(pool.poolStatus());
    }
}
