package dev.faas.adapter.jaxrs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.faas.adapter.jaxrs.metrics.FaasMetrics;
import dev.faas.ports.in.AuthenticateUseCase;
import dev.faas.ports.in.DeleteFunctionUseCase;
import dev.faas.ports.in.GetFunctionUseCase;
import dev.faas.ports.in.InvokeFunctionUseCase;
import dev.faas.ports.in.ManageApiKeysUseCase;
import dev.faas.ports.in.NodeStatisticsUseCase;
import dev.faas.ports.in.ReadinessUseCase;
import dev.faas.ports.in.RegisterFunctionUseCase;
import dev.faas.ports.model.AccessRole;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.glassfish.jersey.server.ResourceConfig;
import org.glassfish.jersey.server.model.Resource;
import org.glassfish.jersey.server.model.ResourceMethod;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Holds {@code openapi.json} to the code: the (method, path) pairs of Jersey's resource model of the real
 * application and of the document are the same set, each operation declares exactly its path's parameters and
 * the role its method requires, and the document lists every problem type.
 */
class OpenApiDocumentTest {

    private static final Set<String> HTTP_METHODS = Set.of("get", "put", "post", "delete", "patch", "head",
            "options", "trace");
    private static final Pattern TEMPLATE_VARIABLE = Pattern.compile("\\{([A-Za-z0-9_]+)(?:\\s*:[^}]*)?}");
    private static final FaasMetrics METRICS = new FaasMetrics();
    private static final ResourceConfig APPLICATION = Dashboard.install(AccessControl.install(
            FaasResourceConfig.addSecrets(FaasResourceConfig.create(new ApiUseCases(
                    stub(RegisterFunctionUseCase.class), stub(InvokeFunctionUseCase.class),
                    stub(GetFunctionUseCase.class), stub(DeleteFunctionUseCase.class), stub(ReadinessUseCase.class)),
                    METRICS, ApiSettings.defaults()), stub(dev.faas.ports.in.ManageSecretsUseCase.class),
                    ApiSettings.defaults()),
            stub(AuthenticateUseCase.class), stub(ManageApiKeysUseCase.class), ApiSettings.defaults()),
            stub(NodeStatisticsUseCase.class));
    /** The dashboard's pages and their files: public web pages, not operations of the API. */
    private static final Set<Class<?>> PAGES = Set.of(DashboardPages.class, ApiDocsPage.class, WebJarAssets.class);

    private final JsonNode document = parse(OpenApiResource.load());

    @AfterAll
    static void closeMetrics() {
        METRICS.close();
    }

    @Test
    void everyResourceMethod_isDocumented_andEveryDocumentedOperation_exists() {
        Map<String, ResourceMethod> implemented = resourceMethods();

        Set<String> documented = new TreeSet<>();
        for (Iterator<Map.Entry<String, JsonNode>> paths = document.get("paths").fields(); paths.hasNext(); ) {
            Map.Entry<String, JsonNode> path = paths.next();
            path.getValue().fieldNames().forEachRemaining(method -> {
                if (HTTP_METHODS.contains(method)) {
                    documented.add(method.toUpperCase(Locale.ROOT) + " " + path.getKey());
                }
            });
        }

        Set<String> undocumented = new TreeSet<>(implemented.keySet());
        undocumented.removeAll(documented);
        Set<String> unimplemented = new TreeSet<>(documented);
        unimplemented.removeAll(implemented.keySet());
        assertThat(implemented).hasSizeGreaterThan(10);
        assertThat(undocumented).as("resource methods missing from openapi.json").isEmpty();
        assertThat(unimplemented).as("operations of openapi.json no resource method serves").isEmpty();
    }

    @Test
    void everyOperation_declaresExactlyItsPathsParameters() {
        resourceMethods().keySet().forEach(operation -> {
            String path = operation.substring(operation.indexOf(' ') + 1);
            Set<String> expected = new TreeSet<>();
            Matcher variables = TEMPLATE_VARIABLE.matcher(path);
            while (variables.find()) {
                expected.add(variables.group(1));
            }
            Set<String> declared = new TreeSet<>();
            for (JsonNode parameter : operation(operation).path("parameters")) {
                JsonNode resolved = resolve(parameter);
                if ("path".equals(resolved.path("in").asText())) {
                    assertThat(resolved.path("required").asBoolean()).as(operation + " " + resolved).isTrue();
                    declared.add(resolved.path("name").asText());
                }
            }
            assertThat(declared).as(operation + " path parameters").isEqualTo(expected);
        });
    }

    @Test
    void everyOperation_documentsTheRoleItsMethodRequires() {
        resourceMethods().forEach((operation, method) -> {
            Optional<AccessRole> required = requiredRole(method);
            JsonNode role = operation(operation).path("x-faas-role");
            if (required.isEmpty()) {
                assertThat(role.isMissingNode()).as(operation + " is public").isTrue();
            } else {
                assertThat(role.asText()).as(operation + " role").isEqualTo(required.get().wireName());
            }
        });
    }

    @Test
    void functionEndpoints_allRequireARole() {
        resourceMethods().forEach((operation, method) -> {
            if (operation.contains("/functions") || operation.endsWith("/register") || operation.endsWith("/invoke")) {
                assertThat(requiredRole(method)).as(operation).isPresent();
            }
        });
    }

    @Test
    void problemTypeSchema_listsEveryProblemType() {
        Set<String> documented = new TreeSet<>();
        document.at("/components/schemas/ProblemType/enum").forEach(type -> documented.add(type.asText()));

        assertThat(documented).isEqualTo(Arrays.stream(ProblemType.values()).map(ProblemType::uri)
                .collect(Collectors.toCollection(TreeSet::new)));
    }

    @Test
    void everyReference_pointsIntoTheDocument() {
        List<String> references = new ArrayList<>();
        collectReferences(document, references);

        assertThat(references).isNotEmpty().allSatisfy(reference ->
                assertThat(document.at(reference.substring(1)).isMissingNode()).as(reference).isFalse());
    }

    /** The role a resource method needs, as the application's role check enforces it. */
    private static Optional<AccessRole> requiredRole(ResourceMethod method) {
        return AccessRules.requiredRole(method.getInvocable().getHandler().getHandlerClass(),
                method.getInvocable().getDefinitionMethod());
    }

    /** "METHOD /path/{template}" of every resource method Jersey builds from the application's resources. */
    private static Map<String, ResourceMethod> resourceMethods() {
        Map<String, ResourceMethod> methods = new TreeMap<>();
        Stream.concat(APPLICATION.getInstances().stream().map(Object::getClass), APPLICATION.getClasses().stream())
                .filter(type -> !PAGES.contains(type))
                .map(Resource::from)
                .filter(resource -> resource != null)
                .forEach(resource -> collect(resource, "", methods));
        APPLICATION.getResources().forEach(resource -> collect(resource, "", methods));
        return methods;
    }

    private static void collect(Resource resource, String parentPath, Map<String, ResourceMethod> methods) {
        String path = join(parentPath, resource.getPath());
        for (ResourceMethod method : resource.getResourceMethods()) {
            String key = method.getHttpMethod() + " " + path;
            assertThat(methods).as("one resource method per operation").doesNotContainKey(key);
            methods.put(key, method);
        }
        resource.getChildResources().forEach(child -> collect(child, path, methods));
    }

    private static String join(String parent, String child) {
        String joined = (parent + "/" + (child == null ? "" : child)).replaceAll("/+", "/");
        joined = TEMPLATE_VARIABLE.matcher(joined).replaceAll("{$1}");
        return joined.length() > 1 && joined.endsWith("/") ? joined.substring(0, joined.length() - 1) : joined;
    }

    private JsonNode operation(String operation) {
        String method = operation.substring(0, operation.indexOf(' ')).toLowerCase(Locale.ROOT);
        String path = operation.substring(operation.indexOf(' ') + 1);
        return document.path("paths").path(path).path(method);
    }

    private JsonNode resolve(JsonNode node) {
        return node.has("$ref") ? document.at(node.get("$ref").asText().substring(1)) : node;
    }

    private static void collectReferences(JsonNode node, List<String> references) {
        if (node.has("$ref")) {
            references.add(node.get("$ref").asText());
        }
        node.elements().forEachRemaining(child -> collectReferences(child, references));
    }

    private static JsonNode parse(byte[] json) {
        try {
            return new ObjectMapper().readTree(json);
        } catch (java.io.IOException e) {
            throw new AssertionError("openapi.json is not JSON", e);
        }
    }

    @SuppressWarnings("unchecked")
    private static <T> T stub(Class<T> type) {
        return (T) Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (proxy, method, args) -> {
            throw new UnsupportedOperationException(method.getName());
        });
    }
}
