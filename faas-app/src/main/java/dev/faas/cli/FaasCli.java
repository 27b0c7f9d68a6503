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
 * at {@code --url} (or {@code FAAS_URL}) with {@code --api-key} (or {@code FAAS_API_KEY}), given before or after the
 * command. A command prints only once the server has answered. Exit status: 0 done, 1 the server refused or the
 * function failed, 2 usage error, 3 the server could not be reached ({@code bin/faas} adds 5: faas not built or no
 * Java).
 */
@Command(name = "faas", mixinStandardHelpOptions = true, version = "faas 0.1.0",
        description = "Register and call Python and Node.js functions on a faas server, or run one.",
        subcommands = {FaasCli.Serve.class, FaasCli.Register.class, FaasCli.Invoke.class, FaasCli.ListFunctions.class,
                FaasCli.Versions.class, FaasCli.Delete.class, FaasCli.Secrets.class, FaasCli.Runtimes.class,
                ActivationsCommand.class, SchedulesCommand.class, KeysCommand.class,
                CommandLine.HelpCommand.class})
public final class FaasCli {

    static final int EXIT_REFUSED = 1;
    static final int EXIT_UNREACHABLE = 3;

    private static final Pattern ID = Pattern.compile(".+-[1-9][0-9]{0,8}");

    // INHERIT: accepted after the command too (faas register --url ... NAME FILE), setting these same fields.
    @Option(names = "--url", scope = CommandLine.ScopeType.INHERIT,
            description = "The server's URL (default: $FAAS_URL, else http://127.0.0.1:8080).")
    String url;

    @Option(names = "--api-key", scope = CommandLine.ScopeType.INHERIT,
            description = "API key sent as a bearer token (default: $FAAS_API_KEY).")
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
            description = "Register FILE's code (Python, or Node.js for .js, .mjs, .cjs; or --archive) as the next"
                    + " version of NAME; prints the new id.")
    static final class Register implements Callable<Integer> {
        @ParentCommand
        FaasCli cli;

        @Parameters(index = "0", paramLabel = "NAME", description = "The function's name.")
        String name;

        @Parameters(index = "1", paramLabel = "FILE", arity = "0..1",
                description = "A Python or Node.js file defining the handler (not with --archive).")
        Path file;

        @Option(names = "--archive", paramLabel = "DIR|ZIP",
                description = "A directory (zipped, regular files only) or a zip: several modules; --handler is then"
                        + " module.function (default main.user_function).")
        Path archive;

        @Option(names = "--requirements", paramLabel = "FILE", description = "A requirements.txt to install.")
        Path requirements;

        @Option(names = "--env", paramLabel = "NAME=VALUE", description = "An environment variable (repeatable).")
        List<String> env = new ArrayList<>();

        @Option(names = "--secret", paramLabel = "NAME", description = "A stored secret the version reads"
                + " (repeatable), as /run/secrets/NAME.")
        List<String> secrets = new ArrayList<>();

        @Option(names = "--runtime", description = "The language runtime, as 'faas runtimes' lists them (default: "
                + "nodejs for a .js, .mjs or .cjs FILE, else python3).")
        String runtime;

        @Option(names = "--handler", description = "The function to call (default: user_function).")
        String handler;

        @Option(names = "--timeout-ms", description = "Per-call timeout in milliseconds.")
        Long timeoutMs;

        @Option(names = "--memory-mb", description = "Memory per instance in MB.")
        Integer memoryMb;

        @Option(names = "--max-instances", description = "Instances of this version at once.")
        Integer maxInstances;

        @Option(names = "--network", paramLabel = "none|egress",
                description = "none (default) or egress: network access, if the server allows it (FAAS_EGRESS=on,"
                        + " or =keys and an API key with the egress permission).")
        String network;

        @Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws IOException {
            if ((file == null) == (archive == null)) {
                throw new CommandLine.ParameterException(spec.commandLine(), "give either FILE or --archive");
            }
            Path source = file != null ? file : archive;
            if (!Files.isReadable(source)) {
                throw new CommandLine.ParameterException(spec.commandLine(), "cannot read " + source);
            }
            ObjectNode body = ApiClient.JSON.createObjectNode();
            body.put("name", name);
            if (file != null) {
                body.put("code", Files.readString(file, StandardCharsets.UTF_8));
            } else {
                byte[] zip = Files.isDirectory(archive) ? dev.faas.platform.FaasPlatform.zip(archive)
                        : Files.readAllBytes(archive);
                body.put("archive", java.util.Base64.getEncoder().encodeToString(zip));
            }
            if (requirements != null) {
                if (!Files.isReadable(requirements)) {
                    throw new CommandLine.ParameterException(spec.commandLine(), "cannot read " + requirements);
                }
                body.put("requirements", Files.readString(requirements, StandardCharsets.UTF_8));
            }
            if (!env.isEmpty()) {
                ObjectNode variables = body.putObject("env");
                for (String pair : env) {
                    int equals = pair.indexOf('=');
                    if (equals < 1) {
                        throw new CommandLine.ParameterException(spec.commandLine(),
                                "--env '" + pair + "' is not NAME=VALUE");
                    }
                    variables.put(pair.substring(0, equals), pair.substring(equals + 1));
                }
            }
            if (!secrets.isEmpty()) {
                secrets.forEach(body.putArray("secrets")::add);
            }
            if (handler != null) {
                body.put("handler", handler);
            }
            if (network != null) {
                body.put("network", network);
            }
            String fileName = file == null ? "" : String.valueOf(file.getFileName());
            if (runtime != null) {
                body.put("runtime", runtime);
            } else if (fileName.endsWith(".js") || fileName.endsWith(".mjs") || fileName.endsWith(".cjs")) {
                body.put("runtime", "nodejs");
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
            // Every page first: a table cut short by a failure half-way would read as a complete one.
            StringBuilder table = new StringBuilder(String.format("%-40s %8s %9s %s%n", "NAME", "LATEST", "VERSIONS",
                    "RUNTIME"));
            String after = null;
            do {
                JsonNode page = cli.client().get("functions?limit=1000" + (after == null ? "" : "&after="
                        + encode(after)));
                for (JsonNode function : page.path("functions")) {
                    table.append(String.format("%-40s %8d %9d %s%n", function.path("name").asText(),
                            function.path("latestVersion").asInt(), function.path("versions").asInt(),
                            function.path("runtime").asText("python3")));
                }
                after = page.path("next").isTextual() ? page.path("next").asText() : null;
            } while (after != null);
            spec.commandLine().getOut().print(table);
            spec.commandLine().getOut().flush();
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
            out.printf("%-24s %-26s %-16s %10s %9s %s%n", "ID", "CREATED", "HANDLER", "TIMEOUT_MS", "MEMORY_MB",
                    "RUNTIME");
            for (JsonNode version : function.path("versions")) {
                out.printf("%-24s %-26s %-16s %10d %9d %s%n", version.path("id").asText(),
                        version.path("createdAt").asText(), version.path("handler").asText(),
                        version.path("limits").path("timeoutMs").asLong(),
                        version.path("limits").path("memoryMb").asInt(), version.path("runtime").asText("python3"));
            }
            return 0;
        }
    }

    @Command(name = "runtimes", mixinStandardHelpOptions = true,
            description = "List the language runtimes the server offers.")
    static final class Runtimes implements Callable<Integer> {
        @ParentCommand
        FaasCli cli;

        @Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            out.printf("%-12s %-12s %-10s %-8s %s%n", "NAME", "LANGUAGE", "VERSION", "PREWARM", "IMAGE");
            for (JsonNode offered : cli.client().get("runtimes").path("runtimes")) {
                out.printf("%-12s %-12s %-10s %-8s %s%n", offered.path("name").asText(),
                        offered.path("language").asText(), offered.path("version").asText("-"),
                        offered.path("prewarm").asBoolean() ? "yes" : "no", offered.path("image").asText());
            }
            return 0;
        }
    }

    @Command(name = "secrets", mixinStandardHelpOptions = true,
            description = "Manage secrets: set NAME (the value from --value-file or standard input, never an"
                    + " argument), list, delete NAME.")
    static final class Secrets implements Callable<Integer> {
        @ParentCommand
        FaasCli cli;

        @Parameters(index = "0", paramLabel = "set|list|delete")
        String action;

        @Parameters(index = "1", arity = "0..1", paramLabel = "NAME")
        String name;

        @Option(names = "--value-file", paramLabel = "FILE",
                description = "Read the value from FILE (default: standard input; one trailing line break dropped).")
        Path valueFile;

        @Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws IOException {
            PrintWriter out = spec.commandLine().getOut();
            switch (action) {
                case "list" -> {
                    out.printf("%-40s %-26s %-26s%n", "NAME", "CREATED", "UPDATED");
                    for (JsonNode secret : cli.client().get("secrets").path("secrets")) {
                        out.printf("%-40s %-26s %-26s%n", secret.path("name").asText(),
                                secret.path("createdAt").asText(), secret.path("updatedAt").asText());
                    }
                }
                case "set" -> {
                    String value = valueFile != null ? Files.readString(valueFile, StandardCharsets.UTF_8)
                            : new String(System.in.readAllBytes(), StandardCharsets.UTF_8);
                    ObjectNode body = ApiClient.JSON.createObjectNode().put("name", required())
                            .put("value", value.replaceFirst("\\r?\\n$", ""));
                    cli.client().post("secrets", body.toString());
                    out.println("set " + name);
                }
                case "delete" -> {
                    cli.client().delete("secrets/" + encode(required()));
                    out.println("deleted " + name);
                }
                default -> throw new CommandLine.ParameterException(spec.commandLine(),
                        "'" + action + "' is not set, list or delete");
            }
            return 0;
        }

        private String required() {
            if (name == null) {
                throw new CommandLine.ParameterException(spec.commandLine(), action + " needs a NAME");
            }
            return name;
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
