package dev.faas.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.faas.ports.model.FunctionId;
import dev.faas.testkit.FakeFunctionRuntime;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A result is mapped to the requested Java type only when the JSON value fits it: never a silent conversion. */
class TypedResultsTest {

    private final FakeFunctionRuntime runtime = new FakeFunctionRuntime();
    private final FaasPlatform faas = FaasPlatform.builder().runtime(runtime).checkCode(false).build();

    @AfterEach
    void close() {
        faas.close();
    }

    private FunctionId returning(String resultJson) {
        String code = "returns " + resultJson;
        runtime.whenCode(code, params -> resultJson);
        return faas.register("f", code);
    }

    @Test
    void anIntAskedForAsString_isAnErrorNamingBothTypes() {
        FunctionId id = returning("2");

        assertThatThrownBy(() -> faas.invoke(id, Map.of(), String.class))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("a JSON number")
                .hasMessageContaining("java.lang.String");
    }

    @Test
    void aStringAskedForAsInteger_isAnError() {
        FunctionId id = returning("\"2\"");

        assertThatThrownBy(() -> faas.invoke(id, Map.of(), Integer.class))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("a JSON string")
                .hasMessageContaining("java.lang.Integer");
    }

    @Test
    void aFractionAskedForAsInteger_isAnError_notTruncated() {
        FunctionId id = returning("2.5");

        assertThatThrownBy(() -> faas.invoke(id, Map.of(), Integer.class))
                .hasMessageContaining("a JSON number")
                .hasMessageContaining("java.lang.Integer");
    }

    @Test
    void aBooleanAskedForAsString_andNullAskedForAsPrimitive_areErrors() {
        FunctionId yes = returning("true");
        assertThatThrownBy(() -> faas.invoke(yes, Map.of(), String.class))
                .hasMessageContaining("a JSON boolean")
                .hasMessageContaining("java.lang.String");

        FunctionId nothing = returning("null");
        assertThatThrownBy(() -> faas.invoke(nothing, Map.of(), int.class))
                .hasMessageContaining("JSON null")
                .hasMessageContaining("int");
    }

    @Test
    void valuesThatFit_stillMap() {
        assertThat(faas.invoke(returning("2"), Map.of(), Integer.class)).isEqualTo(2);
        assertThat(faas.invoke(returning("2"), Map.of(), Long.class)).isEqualTo(2L);
        assertThat(faas.invoke(returning("2"), Map.of(), Double.class)).isEqualTo(2.0);
        assertThat(faas.invoke(returning("\"2\""), Map.of(), String.class)).isEqualTo("2");
        assertThat(faas.invoke(returning("null"), Map.of(), String.class)).isNull();
        assertThat(faas.invoke(returning("[1,\"a\"]"), Map.of(), List.class)).containsExactly(1, "a");
        assertThat(faas.invoke(returning("2"), Map.of(), Object.class)).isEqualTo(2);
    }
}
