package dev.faas.app;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.AsyncAppenderBase;
import dev.faas.adapter.jdbi.JdbiRepositoryConfig;
import dev.faas.ports.error.RepositoryUnavailableException;
import dev.faas.cli.FaasCli;
import java.util.Iterator;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;

/**
 * The jar's entry point: starts the server from environment variables (stopping it cleanly on SIGTERM or Ctrl-C),
 * or runs a {@code faas} CLI command.
 */
public final class Main {

    static final int EXIT_CONFIG = 2;
    static final int EXIT_STORE_UNAVAILABLE = 3;
    static final int EXIT_START_FAILED = 4;

    /** Not a static field: the CLI commands never start logging (logback reading its configuration costs start-up). */
    private static Logger log() {
        return LoggerFactory.getLogger(Main.class);
    }

    private Main() {
    }

    /** With no arguments, or {@code serve}, runs the server; otherwise the {@code faas} command line. */
    public static void main(String[] args) {
        if (args.length == 0) {
            serve();
            return;
        }
        int status = FaasCli.run(Main::serve, args);
        if (status != 0) {
            System.exit(status);
        }
    }

    static void serve() {
        SLF4JBridgeHandler.removeHandlersForRootLogger();
        SLF4JBridgeHandler.install();
        FaasConfig config;
        try {
            config = FaasConfig.fromEnvironment(System.getenv());
        } catch (ConfigException e) {
            fail(EXIT_CONFIG, "configuration error: " + e.getMessage());
            return;
        }
        FaasServer server;
        try {
            server = FaasServer.start(config);
        } catch (ConfigException e) {
            fail(EXIT_CONFIG, "configuration error: " + e.getMessage());
            return;
        } catch (RepositoryUnavailableException e) {
            fail(EXIT_STORE_UNAVAILABLE, "cannot open the function store: " + e.getMessage());
            return;
        } catch (StartupException e) {
            fail(EXIT_START_FAILED, "cannot start: " + e.getMessage());
            return;
        } catch (RuntimeException e) {
            log().debug("start failed", e);
            fail(EXIT_START_FAILED, "cannot start: " + e.getMessage());
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            log().info("shutting down: stopping every instance");
            server.close();
            stopLogging();
            stopped.countDown();
        }, "faas-shutdown"));
        log().info("faas listening on {}://{}:{}/ (runtime {}, store {})", config.tls() ? "https" : "http",
                config.bind(), server.port(),
                server.runtime().name(), config.dbUrl() == null ? "H2 in " + config.dataDir().toAbsolutePath()
                        : JdbiRepositoryConfig.redact(config.dbUrl()));
        // Grizzly's threads are daemons: the main thread keeps the JVM up until a signal ends it.
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Writes out the queued request log lines (logback.xml's asynchronous appender) before the JVM exits. */
    private static void stopLogging() {
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
            stopLogging(context);
        }
    }

    /**
     * Stops {@code context}, its queues first: stopping the context alone would stop the console appender (the
     * root's) before the queue in front of it has been written out, and drop what is left in the queue.
     */
    static void stopLogging(LoggerContext context) {
        for (ch.qos.logback.classic.Logger logger : context.getLoggerList()) {
            for (Iterator<Appender<ILoggingEvent>> appenders = logger.iteratorForAppenders(); appenders.hasNext(); ) {
                Appender<ILoggingEvent> appender = appenders.next();
                if (appender instanceof AsyncAppenderBase<?>) {
                    appender.stop();
                }
            }
        }
        context.stop();
    }

    private static void fail(int status, String message) {
        log().error(message);
        System.exit(status);
    }
}
