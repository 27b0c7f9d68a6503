package dev.faas.adapter.jaxrs;

import dev.faas.ports.in.NodeStatisticsUseCase;
import org.glassfish.jersey.server.ResourceConfig;

/**
 * The web dashboard: its pages and their assets ({@code /ui}, {@code /docs}, {@code /webjars/...}: files shipped in
 * the jar, public, served with a strict Content-Security-Policy) and the two API endpoints its pages read beside the
 * functions API ({@code GET /stats}, {@code GET /session}, which need the {@code invoke} role like the rest).
 */
public final class Dashboard {

    private Dashboard() {
    }

    /** Adds the dashboard to {@code application} (from {@link FaasResourceConfig}) and returns it. */
    public static ResourceConfig install(ResourceConfig application, NodeStatisticsUseCase statistics) {
        application.register(new DashboardResource(statistics));
        application.register(new SessionResource());
        application.register(new DashboardPages());
        application.register(new ApiDocsPage());
        application.register(new WebJarAssets());
        return application;
    }
}
