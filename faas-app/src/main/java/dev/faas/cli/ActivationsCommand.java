package dev.faas.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code faas activations list|get|logs}: the records of asynchronous (and recorded) calls. */
@Command(name = "activations", mixinStandardHelpOptions = true,
        description = "List activations, or show one's record or logs.",
        subcommands = {ActivationsCommand.ListActivations.class, ActivationsCommand.Get.class,
                ActivationsCommand.Logs.class})
final class ActivationsCommand {

    private static final Pattern ACTIVATION_ID = Pattern.compile("[0-9a-f]{32}");

    @ParentCommand
    FaasCli cli;

    static String checked(CommandLine.Model.CommandSpec spec, String id) {
        if (!ACTIVATION_ID.matcher(id).matches()) {
            throw new CommandLine.ParameterException(spec.commandLine(), "'" + id
                    + "' is not an activation id (32 lower-case hex digits)");
        }
        return id;
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List activations, newest first.")
    static final class ListActivations implements Runnable {
        @ParentCommand
        ActivationsCommand parent;

        @Option(names = "--function", paramLabel = "NAME", description = "Only calls of this function name.")
        String function;

        @Option(names = "--status", description = "Only this status: queued, running, succeeded, failed, timed-out,"
                + " expired.")
        String status;

        @Option(names = "--limit", description = "At most this many (default 20).")
        int limit = 20;

        @Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public void run() {
            StringBuilder path = new StringBuilder("activations?limit=").append(limit);
            if (function != null) {
                path.append("&function=").append(FaasCli.encode(function));
            }
            if (status != null) {
                path.append("&status=").append(FaasCli.encode(status));
            }
            PrintWriter out = spec.commandLine().getOut();
            out.printf("%-32s %-24s %-10s %7s %-26s%n", "ID", "FUNCTION", "STATUS", "ATTEMPT", "QUEUED");
            for (JsonNode activation : parent.cli.client().get(path.toString()).path("activations")) {
                out.printf("%-32s %-24s %-10s %7d %-26s%n", activation.path("activationId").asText(),
                        activation.path("function").asText(), activation.path("status").asText(),
                        activation.path("attempt").asInt(), activation.path("queuedAt").asText());
            }
        }
    }

    @Command(name = "get", mixinStandardHelpOptions = true, description = "Print one activation's record as JSON.")
    static final class Get implements Runnable {
        @ParentCommand
        ActivationsCommand parent;

        @Parameters(index = "0", paramLabel = "ID")
        String id;

        @Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public void run() {
            spec.commandLine().getOut().println(parent.cli.client().get("activations/" + checked(spec, id))
                    .toPrettyString());
        }
    }

    @Command(name = "logs", mixinStandardHelpOptions = true, description = "Print what one activation's call printed.")
    static final class Logs implements Runnable {
        @ParentCommand
        ActivationsCommand parent;

        @Parameters(index = "0", paramLabel = "ID")
        String id;

        @Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public void run() {
            spec.commandLine().getOut().print(parent.cli.client().get("activations/" + checked(spec, id))
                    .path("logs").asText());
            spec.commandLine().getOut().flush();
        }
    }
}
