package example.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The harness runs on the JUnit this project chose (examples/build.sh builds it with 5.11 and with 6). */
class JUnitVersionTest {

    @Test
    void theProjectsOwnJUnitRuns() {
        assertEquals(System.getProperty("expected.junit.version"),
                Test.class.getPackage().getImplementationVersion());
    }
}
