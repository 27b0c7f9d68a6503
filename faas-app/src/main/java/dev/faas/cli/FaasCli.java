package dev.faas.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * The {@code faas} command line: {@code serve} runs the server; the other commands talk to a running server's API
 * at {@code --url} (or {@code FAAS_URL}) with {@code --api-key} (or {@code FAAS_API_KEY}). Exit status: 0 done,
 * 1 the server refused or the function failed, 2 usage error, 3 the server could not be reached.
 */
@Command(name = "faas", mixinStandardHelpOptions = true, version = "faas 0.1.0",
        description = "Register and call Python functions on a faas server, or run one.",
        subcommands = {FaasCli.Serve.class, FaasCli.Register.class, FaasCli.Invoke.class, FaasCli.ListFunctions.class,
                FaasCli.Versions.class, FaasCli.Delete.class, ActivationsCommand.class, SchedulesCommand.class,
                CommandLine.HelpCommand.class})
public final class FaasCli {

    static final int EXIT_REFUSED = 1;
    static final int EXIT_UNREACHABLE = 3;

    private static final Pattern ID = Pattern.compile(".+-[1-9][0-9]{0,8}");

    @Option(names = "--url", description = "The server's URL (default: $FAAS_URL, else http://127.0.0.1:8080).")
    String url;

    @Option(names = "--api-key", description = "API key sent as a bearer token (default: $FAAS_API_KEY).")
    String apiKey;

    @Spec
    CommandLine.Model.CommandSpec spec;

    /** Runs the command line with {@code serve} behind it, on the console; returns the exit status. */
    public static int run(Runnable serve, String... args) {
        return run(serve, new PrintWriter(System.out, true), new PrintWriter(System.err, true), args);
    }

    /** Runs the command line writing to {@code out} and {@code err}; returns the exit status. */
    public static int run(Runnable serve, PrintWriter out, PrintWriter err, String... args) {
        CommandLine commandLine = new CommandLine(new FaasCli()).setOut(out).setErr(err);
        ((Serve) commandLine.getSubcommands().get("serve").getCommand()).server = serve;
        commandLine.setExecutionExceptionHandler((exception, line, parseResult) -> {
            line.getErr().println("faas: " + exception.getMessage());
            return exception instanceof ApiClient.UnreachableException ? EXIT_UNREACHABLE : EXIT_REFUSED;
        });
        return commandLine.execute(args);
    }

    ApiClient client() {
        String target = url != null ? url : System.getenv().getOrDefault("FAAS_URL", "http://127.0.0.1:8080");
        String key = apiKey != null ? apiKey : System.getenv("FAAS_API_KEY");
        try {
            URI uri = URI.create(target.endsWith("/") ? target : target + "/");
            if (uri.getScheme() == null || uri.getHost() == null) {
                throw new IllegalArgumentException("not an http URL");
            }
            return new ApiClient(uri, key);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--url '" + target + "' is not a URL such as "
                    + "http://127.0.0.1:8080");
        }
    }

    static String encode(String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8);
    }

    @Command(name = "serve", mixinStandardHelpOptions = true,
            description = "Run the server, configured by FAAS_* environment variables (see the README).")
    static final class Serve implements Callable<Integer> {
        Runnable server;

        @Override
        public Integer call() {
            server.run();
            return 0;
        }
    }

    @Command(name = "register", mixinStandardHelpOptions = true,
            description = "Register FILE's Python code as the next version of NAME; prints the new id.")
    static final class Register implements Callable<Integer> {
        @ParentCommand
        FaasCli cli;

        @Parameters(index = "0", paramLabel = "NAME", description = "The function's name.")
        String name;

        @Parameters(index = "1", paramLabel = "FILE", description = "A Python file defining the handler.")
        Path file;

        @Option(names = "--handler", description = "The function to call (default: user_function).")
        String handler;

        @Option(names = "--timeout-ms", description = "Per-call timeout in milliseconds.")
        Long timeoutMs;

        @Option(names = "--memory-mb", description = "Memory per instance in MB.")
        Integer memoryMb;

        @Option(names = "--max-instances", description = "Instances of this version at once.")
        Integer maxInstances;

        @Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws IOException {
            if (!Files.isReadable(file)) {
                throw new CommandLine.ParameterException(spec.commandLine(), "cannot read " + file);
            }
            ObjectNode body = ApiClient.JSON.createObjectNode();
            body.put("name", name);
            body.put("code", Files.readString(file, StandardCharsets.UTF_8));
            if (handler != null) {
                body.put("handler", handler);
            }
            if (timeoutMs != null || memoryMb != null || maxInstances != null) {
                ObjectNode limits = body.putObject("limits");
                if (timeoutMs != null) {
                    limits.put("timeoutMs", timeoutMs);
                }
                if (memoryMb != null) {
                    limits.put("memoryMb", memoryMb);
                }
                if (maxInstances != null) {
                    limits.put("maxInstances", maxInstances);
                }
            }
            JsonNode answer = cli.client().post("register", body.toString());
            spec.commandLine().getOut().println(answer.path("result").asText());
            return 0;
        }
    }

    @Command(name = "invoke", mixinStandardHelpOptions = true,
            description = "Call a function version and print its JSON result.")
    static final class Invoke implements Callable<Integer> {
        @ParentCommand
        FaasCli cli;

        @Parameters(index = "0", paramLabel = "ID", description = "The version to call, such as hello-1.")
        String id;

        @Parameters(index = "1..*", paramLabel = "KEY=VALUE", arity = "0..*",
                description = "Keyword arguments; a VALUE that is valid JSON is passed as JSON, else as a string.")
        List<String> pairs = new ArrayList<>();

        @Option(names = "--json", paramLabel = "OBJECT", description = "All keyword arguments as one JSON object.")
        String json;

        @Option(names = "--async", description = "Queue the call and print its activation id at once"
                + " (see 'faas activations').")
        boolean async;

        @Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            if (async) {
                if (!ID.matcher(id).matches()) {
                    throw new CommandLine.ParameterException(spec.commandLine(), "'" + id
                            + "' is not a version id such as hello-1");
                }
                int dash = id.lastIndexOf('-');
                JsonNode accepted = cli.client().post("functions/" + encode(id.substring(0, dash)) + "/versions/"
                        + id.substring(dash + 1) + "/invoke?async=true", params().toString());
                spec.commandLine().getOut().println(accepted.path("activationId").asText());
                return 0;
            }
            ObjectNode body = ApiClient.JSON.createObjectNode();
            body.put("name", id);
            body.set("params", params());
            JsonNode answer = cli.client().post("invoke", body.toString());
            spec.commandLine().getOut().println(answer.path("result").toString());
            return 0;
        }

        private JsonNode params() {
            if (json != null && !pairs.isEmpty()) {
                throw new CommandLine.ParameterException(spec.commandLine(), "give either --json or KEY=VALUE pairs");
            }
            if (json != null) {
                try {
                    JsonNode parsed = ApiClient.JSON.readTree(json);
                    if (parsed == null || !parsed.isObject()) {
                        throw new CommandLine.ParameterException(spec.commandLine(), "--json must be a JSON object");
                    }
                    return parsed;
                } catch (JsonProcessingException e) {
                    throw new CommandLine.ParameterException(spec.commandLine(),
                            "--json is not valid JSON: " + e.getOriginalMessage());
                }
            }
            ObjectNode params = ApiClient.JSON.createObjectNode();
            for (String pair : pairs) {
                int equals = pair.indexOf('=');
                if (equals < 1) {
                    throw new CommandLine.ParameterException(spec.commandLine(),
                            "'" + pair + "' is not KEY=VALUE");
                }
                params.set(pair.substring(0, equals), value(pair.substring(equals + 1)));
            }
            return params;
        }

        private static JsonNode value(String text) {
            try {
                JsonNode parsed = ApiClient.JSON.readTree(text);
                return parsed == null || parsed.isMissingNode() ? ApiClient.JSON.getNodeFactory().textNode(text)
                        : parsed;
            } catch (JsonProcessingException notJson) {
                return ApiClient.JSON.getNodeFactory().textNode(text);
            }
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "List registered functions with their newest version.")
    static final class ListFunctions implements Callable<Integer> {
        @ParentCommand
        FaasCli cli;

        @Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            out.printf("%-40s %8s %9s%n", "NAME", "LATEST", "VERSIONS");
            String after = null;
            do {
                JsonNode page = cli.client().get("functions?limit=1000" + (after == null ? "" : "&after="
                        + encode(after)));
                for (JsonNode function : page.path("functions")) {
                    out.printf("%-40s %8d %9d%n", function.path("name").asText(),
                            function.path("latestVersion").asInt(), function.path("versions").asInt());
                }
                after = page.path("next").isTextual() ? page.path("next").asText() : null;
            } while (after != null);
            return 0;
        }
    }

    @Command(name = "versions", mixinStandardHelpOptions = true, description = "List the versions of NAME.")
    static final class Versions implements Callable<Integer> {
        @ParentCommand
        FaasCli cli;

        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            JsonNode function = cli.client().get("functions/" + encode(name));
            out.printf("%-24s %-26s %-16s %10s %9s%n", "ID", "CREATED", "HANDLER", "TIMEOUT_MS", "MEMORY_MB");
            for (JsonNode version : function.path("versions")) {
                out.printf("%-24s %-26s %-16s %10d %9d%n", version.path("id").asText(),
                        version.path("createdAt").asText(), version.path("handler").asText(),
                        version.path("limits").path("timeoutMs").asLong(),
                        version.path("limits").path("memoryMb").asInt());
            }
            return 0;
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true,
            description = "Delete a version (ID, such as hello-1) or every version of a NAME.")
    static final class Delete implements Callable<Integer> {
        @ParentCommand
        FaasCli cli;

        @Parameters(index = "0", paramLabel = "ID|NAME")
        String target;

        @Option(names = "--all", description = "Treat the argument as a NAME even if it looks like an id.")
        boolean all;

        @Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            if (!all && ID.matcher(target).matches()) {
                int dash = target.lastIndexOf('-');
                cli.client().delete("functions/" + encode(target.substring(0, dash)) + "/versions/"
                        + target.substring(dash + 1));
                out.println("deleted " + target);
            } else {
                JsonNode deleted = cli.client().delete("functions/" + encode(target));
                for (JsonNode id : deleted.path("deleted")) {
                    out.println("deleted " + id.asText());
                }
            }
            return 0;
        }
    }
}
