package dev.faas.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code faas schedules create|list|delete}: a function's cron schedules (admin). */
@Command(name = "schedules", mixinStandardHelpOptions = true,
        description = "Create, list or delete the cron schedules of a function.",
        subcommands = {SchedulesCommand.Create.class, SchedulesCommand.ListSchedules.class,
                SchedulesCommand.Delete.class})
final class SchedulesCommand {

    @ParentCommand
    FaasCli cli;

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = "Call NAME's newest version on CRON (5 fields, or 6 with seconds first); prints the id.")
    static final class Create implements Runnable {
        @ParentCommand
        SchedulesCommand parent;

        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Parameters(index = "1", paramLabel = "CRON", description = "Such as \"*/5 * * * *\" (quote it).")
        String cron;

        @Option(names = "--json", paramLabel = "OBJECT", description = "The calls' params as one JSON object.")
        String json;

        @Option(names = "--timezone", description = "The zone CRON is read in (default UTC).")
        String timezone;

        @Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public void run() {
            ObjectNode body = ApiClient.JSON.createObjectNode().put("cron", cron);
            if (json != null) {
                try {
                    body.set("params", ApiClient.JSON.readTree(json));
                } catch (JsonProcessingException e) {
                    throw new CommandLine.ParameterException(spec.commandLine(),
                            "--json is not valid JSON: " + e.getOriginalMessage());
                }
            }
            if (timezone != null) {
                body.put("timezone", timezone);
            }
            JsonNode created = parent.cli.client().post("functions/" + FaasCli.encode(name) + "/schedules",
                    body.toString());
            spec.commandLine().getOut().println(created.path("id").asText());
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List NAME's schedules.")
    static final class ListSchedules implements Runnable {
        @ParentCommand
        SchedulesCommand parent;

        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public void run() {
            PrintWriter out = spec.commandLine().getOut();
            out.printf("%-32s %-20s %-14s %-26s %7s %7s%n", "ID", "CRON", "TIMEZONE", "NEXT", "FIRED", "MISSED");
            for (JsonNode schedule : parent.cli.client().get("functions/" + FaasCli.encode(name) + "/schedules")
                    .path("schedules")) {
                out.printf("%-32s %-20s %-14s %-26s %7d %7d%n", schedule.path("id").asText(),
                        schedule.path("cron").asText(), schedule.path("timezone").asText(),
                        schedule.path("nextFireAt").asText(), schedule.path("fired").asLong(),
                        schedule.path("missed").asLong());
            }
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true, description = "Delete one of NAME's schedules.")
    static final class Delete implements Runnable {
        @ParentCommand
        SchedulesCommand parent;

        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Parameters(index = "1", paramLabel = "ID")
        String id;

        @Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public void run() {
            parent.cli.client().delete("functions/" + FaasCli.encode(name) + "/schedules/" + FaasCli.encode(id));
            spec.commandLine().getOut().println("deleted " + id);
        }
    }
}
