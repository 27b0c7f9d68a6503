package example.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.File;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Embedding the platform brings no server: none of its HTTP, Docker, database, CLI or logging jars. */
class ClassPathTest {

    private static final Pattern SERVER_JARS = Pattern.compile(
            "jersey|grizzly|docker-java|jdbi|(^|/)h2-|flyway|hikari|postgresql|picocli|logback-classic|micrometer"
                    + "|faas-app|faas-adapter-(docker|jdbi|jaxrs)");

    @Test
    void theLibrarysClassPath_holdsNoServerJar() {
        // Surefire starts the test JVM through a manifest-only jar and names the real class path here.
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> jars = Arrays.stream(classPath.split(File.pathSeparator))
                .filter(entry -> entry.endsWith(".jar"))
                .toList();
        List<String> serverJars = jars.stream()
                .filter(jar -> SERVER_JARS.matcher(jar.replace('\\', '/').toLowerCase(Locale.ROOT)).find())
                .toList();
        long bytes = jars.stream().mapToLong(jar -> new File(jar).length()).sum();
        System.out.printf("embedded example, test class path: %d jars, %.1f MiB%n", jars.size(),
                bytes / (1024.0 * 1024.0));

        assertEquals(List.of(), serverJars);
    }
}
