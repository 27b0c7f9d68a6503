package dev.faas.app;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.AsyncAppender;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import ch.qos.logback.core.Appender;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The server's logback.xml writes the per-request line from a queue, so no call waits on the console, and never
 * drops one: a full queue makes the request wait (neverBlock false) and no level is discarded. Stopping logging as
 * Main does on shutdown writes out every queued line.
 */
class RequestLogAppenderTest {

    private static final String REQUEST_LOGGER = "dev.faas.adapter.jaxrs.RequestLogFilter";

    @Test
    void requestLines_goThroughAQueueThatNeverDrops_andOnlyThere() throws Exception {
        LoggerContext context = serverConfiguration();
        Logger requests = context.getLogger(REQUEST_LOGGER);

        List<Appender<ILoggingEvent>> appenders = appenders(requests);
        assertThat(appenders).singleElement().isInstanceOf(AsyncAppender.class);
        AsyncAppender queue = (AsyncAppender) appenders.get(0);
        assertThat(queue.isNeverBlock()).isFalse();
        assertThat(queue.getDiscardingThreshold()).isZero();
        assertThat(requests.isAdditive()).as("no second, synchronous copy through the root").isFalse();
        assertThat(appenders(context.getLogger(Logger.ROOT_LOGGER_NAME)))
                .noneMatch(appender -> appender instanceof AsyncAppender);
        context.stop();
    }

    @Test
    void stoppingTheContext_writesEveryQueuedLine() throws Exception {
        PrintStream stderr = System.err;
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        System.setErr(new PrintStream(console, true, StandardCharsets.UTF_8));
        try {
            LoggerContext context = serverConfiguration();
            Logger requests = context.getLogger(REQUEST_LOGGER);
            for (int i = 0; i < 20_000; i++) {
                requests.info("method=GET path=/healthz status=200 request_id={}", i);
            }
            Main.stopLogging(context);
        } finally {
            System.setErr(stderr);
        }

        List<String> lines = console.toString(StandardCharsets.UTF_8).lines()
                .filter(line -> line.contains("path=/healthz")).toList();
        assertThat(lines).hasSize(20_000);
        assertThat(lines.get(19_999)).endsWith("request_id=19999");
    }

    private static LoggerContext serverConfiguration() throws Exception {
        LoggerContext context = new LoggerContext();
        context.setMDCAdapter(new LogbackMDCAdapter());
        JoranConfigurator configurator = new JoranConfigurator();
        configurator.setContext(context);
        configurator.doConfigure(RequestLogAppenderTest.class.getResource("/logback.xml"));
        return context;
    }

    private static List<Appender<ILoggingEvent>> appenders(Logger logger) {
        List<Appender<ILoggingEvent>> appenders = new ArrayList<>();
        for (Iterator<Appender<ILoggingEvent>> it = logger.iteratorForAppenders(); it.hasNext(); ) {
            appenders.add(it.next());
        }
        return appenders;
    }
}
