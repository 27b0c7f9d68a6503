package dev.faas.app;

import dev.faas.ports.model.LanguageRuntime;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A runtime an operator adds from configuration ({@code FAAS_RUNTIMES_FILE}): its name, as versions ask for it with
 * {@code "runtime"}; the runner its image carries ({@code python3} or {@code nodejs}: the platform's own runners,
 * so the image is built on one of the project's function images); and the image. The Docker runtime alone offers them.
 *
 * <p>The file holds one runtime a line, {@code NAME = RUNNER IMAGE}; blank lines and lines starting with {@code #}
 * are ignored:
 * <pre>
 * # name          runner   image
 * python3-numpy = python3  faas-python-numpy:latest
 * </pre>
 * A line that is not so, a name that is not a runtime's name or is taken, an unknown runner or a missing image stops
 * start-up with a {@link ConfigException} naming the file, the line and the field.
 */
public record CustomRuntime(String name, String runner, String image) {

    /** The runners a custom runtime may name. */
    public static final List<String> RUNNERS = List.of("python3", "nodejs");

    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9._-]{0,31}");
    private static final Pattern IMAGE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._/:@-]{0,254}");
    private static final Pattern LINE = Pattern.compile("\\s*([^=\\s]*)\\s*=\\s*(\\S*)\\s*(\\S*)\\s*(.*)");

    /** This runtime as the Docker runtime offers it: the image as its launcher, the runner's language. */
    public LanguageRuntime languageRuntime() {
        return new LanguageRuntime(name, "nodejs".equals(runner) ? "javascript" : "python", image, null);
    }

    /** The runtimes of the file at {@code file} ({@code FAAS_RUNTIMES_FILE}); none when it is null or blank. */
    static List<CustomRuntime> readFile(String file) {
        if (file == null || file.isBlank()) {
            return List.of();
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(Path.of(file.strip()), StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException e) {
            throw new ConfigException("FAAS_RUNTIMES_FILE=" + file + " cannot be read: " + e);
        }
        return parse(file.strip(), lines);
    }

    static List<CustomRuntime> parse(String file, List<String> lines) {
        List<CustomRuntime> runtimes = new ArrayList<>();
        Set<String> names = new HashSet<>(RUNNERS);
        for (int index = 0; index < lines.size(); index++) {
            String line = lines.get(index).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String where = "FAAS_RUNTIMES_FILE " + file + " line " + (index + 1) + ": ";
            var parts = LINE.matcher(line);
            if (!line.contains("=") || !parts.matches()) {
                throw new ConfigException(where + "expected 'NAME = RUNNER IMAGE', got '" + line + "'");
            }
            String name = parts.group(1);
            String runner = parts.group(2);
            String image = parts.group(3);
            if (!NAME.matcher(name).matches()) {
                throw new ConfigException(where + "the name '" + name + "' is not a runtime name (a lower-case letter,"
                        + " then lower-case letters, digits, '.', '_' or '-', at most 32)");
            }
            if (!names.add(name)) {
                throw new ConfigException(where + "the name '" + name + "' is "
                        + (RUNNERS.contains(name) ? "a built-in runtime's" : "given twice"));
            }
            if (!RUNNERS.contains(runner)) {
                throw new ConfigException(where + "the runner '" + runner + "' of '" + name + "' is not one of "
                        + String.join(", ", RUNNERS));
            }
            if (image.isEmpty() || !IMAGE.matcher(image).matches()) {
                throw new ConfigException(where + "the image of '" + name + "' is "
                        + (image.isEmpty() ? "missing" : "not an image name: '" + image + "'"));
            }
            if (!parts.group(4).isEmpty()) {
                throw new ConfigException(where + "unexpected '" + parts.group(4) + "' after the image of '" + name
                        + "'");
            }
            runtimes.add(new CustomRuntime(name, runner, image));
        }
        return List.copyOf(runtimes);
    }
}
