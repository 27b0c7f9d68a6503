package dev.faas.adapter.jaxrs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.faas.ports.error.CapacityExceededException;
import dev.faas.ports.error.FunctionInitException;
import dev.faas.ports.error.FunctionNotFoundException;
import dev.faas.ports.error.FunctionRaisedException;
import dev.faas.ports.error.InstanceCrashedException;
import dev.faas.ports.error.InstanceTimeoutException;
import dev.faas.ports.error.InvalidCodeException;
import dev.faas.ports.error.InvalidRequestException;
import dev.faas.ports.error.InvalidResultException;
import dev.faas.ports.error.PayloadTooLargeException;
import dev.faas.ports.error.RepositoryUnavailableException;
import dev.faas.ports.error.UnableToStartInstanceException;
import jakarta.ws.rs.core.Response;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link ProblemType#of}, which labels metrics, agrees with what the exception mapper answers. */
class ProblemTypeTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void everyFailure_isClassifiedAsItsMapperReportsIt() throws Exception {
        List<RuntimeException> failures = List.of(
                new MalformedBodyException("not JSON"),
                new InvalidCodeException("SyntaxError", "bad", 2, ""),
                new InvalidRequestException("name", "bad name"),
                new FunctionNotFoundException("hello-1"),
                new PayloadTooLargeException("the body", 10),
                new FunctionRaisedException("ZeroDivisionError", "division by zero", "", ""),
                new FunctionInitException("ImportError", "no module", "", 0, ""),
                new InvalidResultException("TypeError", "set", ""),
                new InstanceTimeoutException(Duration.ofSeconds(1), ""),
                new CapacityExceededException("full", Duration.ofSeconds(1)),
                new InstanceCrashedException("killed", false, ""),
                new InstanceCrashedException("oom", true, ""),
                new UnableToStartInstanceException("no engine", ""),
                new RepositoryUnavailableException("down", null),
                new IllegalStateException("bug"));

        for (RuntimeException failure : failures) {
            Response response = map(failure);
            String type = JSON.readTree((String) response.getEntity()).get("type").asText();
            assertThat(type).as(failure.getClass().getSimpleName()).isEqualTo(ProblemType.of(failure).uri());
            assertThat(response.getStatus()).isEqualTo(ProblemType.of(failure).status());
        }
    }

    private static Response map(RuntimeException failure) {
        return new ProblemMapper().toResponse(failure);
    }
}
