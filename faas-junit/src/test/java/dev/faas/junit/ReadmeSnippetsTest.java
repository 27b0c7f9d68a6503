package dev.faas.junit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's Java snippets compile against the built artifacts (this module's test class path: the library, the
 * HTTP adapter, the harness and JUnit), and its Maven coordinates name this project's modules at this version, so
 * the README cannot drift from the code.
 */
class ReadmeSnippetsTest {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Pattern FENCE = Pattern.compile("(?ms)^```(java|xml)\\n(.*?)^```");
    private static final Pattern PUBLIC_TYPE = Pattern.compile("(?m)^public (?:final )?(?:class|record|interface) (\\w+)");
    private static final Pattern COORDINATES = Pattern.compile(
            "<groupId>dev\\.faas</groupId>\\s*<artifactId>([\\w-]+)</artifactId>\\s*<version>([^<]+)</version>");

    @Test
    void everyJavaSnippet_compilesAgainstTheBuiltArtifacts(@TempDir Path sources) throws IOException {
        List<String> snippets = snippets("java");
        assertThat(snippets).as("Java snippets in the README").hasSizeGreaterThanOrEqualTo(2);
        List<String> files = new ArrayList<>();
        for (String snippet : snippets) {
            Matcher type = PUBLIC_TYPE.matcher(snippet);
            assertThat(type.find()).as("a README Java snippet is a whole file with one public type:%n%s", snippet)
                    .isTrue();
            Path file = sources.resolve(type.group(1) + ".java");
            assertThat(file).as("two snippets declare %s", type.group(1)).doesNotExist();
            Files.writeString(file, snippet, StandardCharsets.UTF_8);
            files.add(file.toString());
        }
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        ByteArrayOutputStream diagnostics = new ByteArrayOutputStream();
        List<String> arguments = new ArrayList<>(List.of("-classpath", classPath(), "-d",
                Files.createDirectories(sources.resolve("classes")).toString(), "-proc:none"));
        arguments.addAll(files);

        int status = javac.run(null, diagnostics, diagnostics, arguments.toArray(String[]::new));

        assertThat(status).as("the README's snippets compile:%n%s", diagnostics.toString(StandardCharsets.UTF_8))
                .isZero();
    }

    @Test
    void everyMavenCoordinate_namesAModuleAtThisVersion() throws IOException {
        String version = System.getProperty("faas.version");
        assertThat(version).as("faas.version, set by the build").isNotBlank();
        List<String> coordinates = new ArrayList<>();
        for (String snippet : snippets("xml")) {
            Matcher coordinate = COORDINATES.matcher(snippet);
            while (coordinate.find()) {
                coordinates.add(coordinate.group(1));
                assertThat(ROOT.resolve(coordinate.group(1)).resolve("pom.xml"))
                        .as("the README's dev.faas:%s is a module of this project", coordinate.group(1)).exists();
                assertThat(coordinate.group(2)).as("the version of dev.faas:%s", coordinate.group(1))
                        .isEqualTo(version);
            }
        }
        assertThat(coordinates).contains("faas-platform", "faas-junit");
    }

    private static List<String> snippets(String language) throws IOException {
        String readme = Files.readString(ROOT.resolve("README.md"), StandardCharsets.UTF_8);
        List<String> found = new ArrayList<>();
        Matcher fence = FENCE.matcher(readme);
        while (fence.find()) {
            if (fence.group(1).equals(language)) {
                found.add(fence.group(2));
            }
        }
        return found;
    }

    /** Surefire starts the JVM through a manifest-only jar and names the real class path in this property. */
    private static String classPath() {
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        assertThat(classPath.split(File.pathSeparator)).as("the test class path").isNotEmpty();
        return classPath;
    }
}
