package dev.faas.ports.in;

import dev.faas.ports.model.NodeStatistics;

/**
 * Reads what this node is doing now and did over the last minutes: its instances, capacity and queue, and its calls
 * (per second for the node, per function version over the whole window). For dashboards; thread-safe, and cheap
 * enough to be read every second without slowing calls down.
 */
public interface NodeStatisticsUseCase {

    NodeStatistics nodeStatistics();
}
