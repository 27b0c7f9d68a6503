package dev.faas.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code faas keys create|list|revoke}: the server's API keys (admin). */
@Command(name = "keys", mixinStandardHelpOptions = true,
        description = "Create, list or revoke API keys (needs an admin key).",
        subcommands = {KeysCommand.Create.class, KeysCommand.ListKeys.class, KeysCommand.Revoke.class})
final class KeysCommand {

    @ParentCommand
    FaasCli cli;

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = "Create a key of ROLE (admin or invoke); prints its id, then the key itself on a line of its"
                    + " own: it is shown this once.")
    static final class Create implements Runnable {
        @ParentCommand
        KeysCommand parent;

        @Parameters(index = "0", paramLabel = "ROLE", description = "admin or invoke.")
        String role;

        @Option(names = "--description", paramLabel = "TEXT", description = "For whom, what for.")
        String description;

        @Option(names = "--egress", description = "Grant the egress permission: the key may register versions"
                + " with network egress on a server started with FAAS_EGRESS=keys. Only a key that holds it may grant it.")
        boolean egress;

        @Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public void run() {
            ObjectNode body = ApiClient.JSON.createObjectNode().put("role", role);
            if (description != null) {
                body.put("description", description);
            }
            if (egress) {
                body.putArray("permissions").add("egress");
            }
            JsonNode created = parent.cli.client().post("admin/keys", body.toString());
            PrintWriter out = spec.commandLine().getOut();
            out.println(created.path("id").asText());
            out.println(created.path("key").asText());
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "List the keys, revoked ones included (never a key itself).")
    static final class ListKeys implements Runnable {
        @ParentCommand
        KeysCommand parent;

        @Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public void run() {
            PrintWriter out = spec.commandLine().getOut();
            out.printf("%-24s %-7s %-12s %-26s %-8s %s%n", "ID", "ROLE", "PERMISSIONS", "CREATED", "REVOKED",
                    "DESCRIPTION");
            for (JsonNode key : parent.cli.client().get("admin/keys").path("keys")) {
                out.printf("%-24s %-7s %-12s %-26s %-8s %s%n", key.path("id").asText(), key.path("role").asText(),
                        permissions(key.path("permissions")), key.path("createdAt").asText(),
                        key.path("revoked").asBoolean() ? "yes" : "no", key.path("description").asText());
            }
        }

        private static String permissions(JsonNode names) {
            List<String> listed = new ArrayList<>();
            if (names instanceof ArrayNode array) {
                array.forEach(name -> listed.add(name.asText()));
            }
            return listed.isEmpty() ? "-" : String.join(",", listed);
        }
    }

    @Command(name = "revoke", mixinStandardHelpOptions = true,
            description = "Revoke key ID: it stops working at once. Versions it registered stay as they are.")
    static final class Revoke implements Runnable {
        @ParentCommand
        KeysCommand parent;

        @Parameters(index = "0", paramLabel = "ID")
        String id;

        @Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public void run() {
            parent.cli.client().delete("admin/keys/" + FaasCli.encode(id));
            spec.commandLine().getOut().println("revoked " + id);
        }
    }
}
