package dev.faas.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import dev.faas.ports.model.FunctionDefinition;
import dev.faas.ports.model.FunctionId;
import dev.faas.ports.model.FunctionLimits;
import dev.faas.ports.model.FunctionName;
import dev.faas.ports.model.FunctionSummary;
import dev.faas.ports.model.NewFunctionVersion;
import dev.faas.ports.model.VersionOptions;
import dev.faas.ports.out.FunctionRepository;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The behaviour every {@link FunctionRepository} must show; subclass it once per implementation. Each test uses
 * names of its own, so implementations that keep one database across tests pass too.
 */
public abstract class FunctionRepositoryContract extends RepositoryContract<FunctionRepository> {

    /** Whole milliseconds, so a stored version compares equal to what was added. */
    private static final Instant CREATED_AT = Instant.parse("2024-02-29T23:59:58.123Z");
    private static final FunctionLimits LIMITS = new FunctionLimits(Duration.ofSeconds(60), 256, 8);

    // --- version allocation --------------------------------------------------------------------------------------

    @Test
    void givenNewName_add_allocatesVersionOneThenTwo() {
        FunctionName name = uniqueName("hello");

        FunctionDefinition first = repository().add(newVersion(name, "first"));
        FunctionDefinition second = repository().add(newVersion(name, "second"));

        assertThat(first.id()).isEqualTo(new FunctionId(name, 1));
        assertThat(second.id()).isEqualTo(new FunctionId(name, 2));
    }

    @Test
    void givenTwoNames_add_numbersEachNameIndependently() {
        FunctionName one = uniqueName("one");
        FunctionName other = uniqueName("other");

        repository().add(newVersion(one, "a"));
        repository().add(newVersion(one, "b"));
        FunctionDefinition firstOfOther = repository().add(newVersion(other, "c"));
        FunctionDefinition thirdOfOne = repository().add(newVersion(one, "d"));

        assertThat(firstOfOther.version()).isEqualTo(1);
        assertThat(thirdOfOne.version()).isEqualTo(3);
    }

    @Test
    void givenNamesDifferingOnlyInCase_add_treatsThemAsDifferentFunctions() {
        String base = uniqueName("cased").value();
        FunctionName lower = FunctionName.of(base);
        FunctionName upper = FunctionName.of(base.toUpperCase(Locale.ROOT));

        repository().add(newVersion(lower, "lower"));
        FunctionDefinition firstOfUpper = repository().add(newVersion(upper, "upper"));

        assertThat(firstOfUpper.version()).isEqualTo(1);
        assertThat(repository().versions(lower)).extracting(FunctionDefinition::code).containsExactly("lower");
        assertThat(repository().versions(upper)).extracting(FunctionDefinition::code).containsExactly("upper");
    }

    // --- what is stored ------------------------------------------------------------------------------------------

    @Test
    void givenStoredVersion_find_returnsEveryFieldExactly() {
        FunctionName name = uniqueName("fields");
        String code = "# grüße, 你好, emoji \uD83D\uDE80, quotes ' \" and a backslash \\\n"
                + "def handle_it(name):\r\n\treturn f'Hello, {name}!'\n\n";
        FunctionLimits limits = new FunctionLimits(Duration.ofMillis(123_456), 384, 7);
        Instant createdAt = Instant.parse("2023-10-29T01:30:45.987654321Z");
        NewFunctionVersion version = new NewFunctionVersion(name, code, "handle_it", limits, createdAt, sha256(code));

        FunctionDefinition added = repository().add(version);
        FunctionDefinition expected = new FunctionDefinition(new FunctionId(name, 1), code, "handle_it", limits,
                Instant.parse("2023-10-29T01:30:45.987Z"), sha256(code));

        assertThat(added).isEqualTo(expected);
        assertThat(repository().find(added.id())).contains(expected);
    }

    @Test
    void givenVersionWithOptions_find_returnsTheOptionsExactly() {
        FunctionName name = uniqueName("options");
        VersionOptions options = VersionOptions.DEFAULT.withRuntime("nodejs").withNetwork("egress")
                .withEnv(Map.of("GREETING", "grüße \"quoted\"", "EMPTY", ""))
                .withSecrets(List.of("db-password", "api-token"));
        String code = "def f():\n    return 1\n";
        NewFunctionVersion version = new NewFunctionVersion(name, code, "f", LIMITS,
                Instant.parse("2024-01-01T00:00:00Z"), sha256(code), options);

        FunctionDefinition added = repository().add(version);

        assertThat(added.options()).isEqualTo(options);
        assertThat(repository().find(added.id())).map(FunctionDefinition::options).contains(options);
        assertThat(repository().findLatest(name)).map(FunctionDefinition::options).contains(options);
        assertThat(repository().add(newVersion(name, "plain")).options()).isEqualTo(VersionOptions.DEFAULT);
    }

    @Test
    void list_namesTheLatestVersionsRuntime() {
        String prefix = uniqueName("R").value();
        FunctionName name = FunctionName.of(prefix + "a");
        String code = "exports.f = () => 1;\n";
        repository().add(newVersion(name, "plain"));
        repository().add(new NewFunctionVersion(name, code, "f", LIMITS, Instant.parse("2024-01-01T00:00:00Z"),
                sha256(code), VersionOptions.DEFAULT.withRuntime("nodejs")));

        assertThat(repository().list(FunctionName.of(prefix), 1))
                .containsExactly(new FunctionSummary(name, 2, 2, "nodejs"));
    }

    @Test
    void givenLargeCode_find_returnsItWhole() {
        FunctionName name = uniqueName("large");
        String code = "x = '" + "ab\u00e9".repeat(400_000) + "'\n";

        FunctionDefinition added = repository().add(newVersion(name, code));

        assertThat(repository().find(added.id())).map(FunctionDefinition::code).contains(code);
    }

    @Test
    void givenUnknownId_find_returnsEmpty() {
        FunctionName name = uniqueName("known");
        repository().add(newVersion(name, "a"));

        assertThat(repository().find(new FunctionId(uniqueName("unknown"), 1))).isEmpty();
        assertThat(repository().find(new FunctionId(name, 2))).isEmpty();
    }

    @Test
    void givenTwoVersions_findLatest_returnsTheNewest() {
        FunctionName name = uniqueName("latest");
        repository().add(newVersion(name, "old"));
        repository().add(newVersion(name, "new"));

        assertThat(repository().findLatest(name)).map(FunctionDefinition::code).contains("new");
        assertThat(repository().findLatest(name)).map(FunctionDefinition::version).contains(2);
    }

    @Test
    void givenUnknownName_findLatestAndVersions_findNothing() {
        FunctionName name = uniqueName("nothing");

        assertThat(repository().findLatest(name)).isEmpty();
        assertThat(repository().versions(name)).isEmpty();
    }

    @Test
    void givenNewestVersionDeleted_findLatest_returnsThePreviousOne() {
        FunctionName name = uniqueName("previous");
        repository().add(newVersion(name, "one"));
        repository().add(newVersion(name, "two"));
        repository().delete(new FunctionId(name, 2));

        assertThat(repository().findLatest(name)).map(FunctionDefinition::code).contains("one");
    }

    @Test
    void givenThreeVersions_versions_returnsThemOldestFirst() {
        FunctionName name = uniqueName("ordered");
        repository().add(newVersion(name, "one"));
        repository().add(newVersion(name, "two"));
        repository().add(newVersion(name, "three"));

        assertThat(repository().versions(name))
                .extracting(FunctionDefinition::version, FunctionDefinition::code)
                .containsExactly(
                        tuple(1, "one"),
                        tuple(2, "two"),
                        tuple(3, "three"));
    }

    // --- listing -------------------------------------------------------------------------------------------------

    @Test
    void givenNamesAddedOutOfOrder_list_returnsThemSortedByNameCaseSensitively() {
        String prefix = uniqueName("L").value();
        // The order of String.compareTo: '-' < digits < upper case < '_' < lower case, whatever the database's locale.
        List<String> sorted = List.of(prefix + "-b", prefix + "0", prefix + "B", prefix + "_a", prefix + "a",
                prefix + "ab");
        List<String> shuffled = new ArrayList<>(sorted);
        Collections.shuffle(shuffled);
        shuffled.forEach(name -> repository().add(newVersion(FunctionName.of(name), "code")));

        List<FunctionSummary> page = repository().list(FunctionName.of(prefix), sorted.size());

        assertThat(page).extracting(summary -> summary.name().value()).containsExactlyElementsOf(sorted);
    }

    @Test
    void givenSeveralVersions_list_summarisesLatestLiveVersionAndLiveCount() {
        String prefix = uniqueName("S").value();
        FunctionName name = FunctionName.of(prefix + "a");
        for (int i = 0; i < 4; i++) {
            repository().add(newVersion(name, "v" + i));
        }
        repository().delete(new FunctionId(name, 4));
        repository().delete(new FunctionId(name, 2));

        assertThat(repository().list(FunctionName.of(prefix), 1)).containsExactly(new FunctionSummary(name, 3, 2));
    }

    @Test
    void givenFiveNames_listAfterName_pagesThroughThemInOrder() {
        String prefix = uniqueName("P").value();
        List<FunctionName> names = IntStream.rangeClosed(1, 5)
                .mapToObj(i -> FunctionName.of(prefix + "n" + i)).collect(Collectors.toList());
        names.forEach(name -> repository().add(newVersion(name, "code")));

        List<FunctionSummary> first = repository().list(FunctionName.of(prefix), 2);
        List<FunctionSummary> second = repository().list(first.get(1).name(), 2);
        List<FunctionSummary> third = repository().list(second.get(1).name(), 1);

        assertThat(first).extracting(FunctionSummary::name).containsExactly(names.get(0), names.get(1));
        assertThat(second).extracting(FunctionSummary::name).containsExactly(names.get(2), names.get(3));
        assertThat(third).extracting(FunctionSummary::name).containsExactly(names.get(4));
        assertThat(repository().list(FunctionName.of(prefix), 0)).isEmpty();
    }

    @Test
    void givenNoAfterName_list_startsFromTheFirstName() {
        FunctionName name = uniqueName("A");
        repository().add(newVersion(name, "code"));

        List<FunctionSummary> everything = repository().list(null, Integer.MAX_VALUE);

        assertThat(everything).extracting(FunctionSummary::name).contains(name);
        assertThat(everything).extracting(FunctionSummary::name).isSorted();
    }

    @Test
    void givenNamesWhoseVersionsAreAllDeleted_list_leavesThemOut() {
        String prefix = uniqueName("D").value();
        FunctionName kept = FunctionName.of(prefix + "a");
        FunctionName deletedAtOnce = FunctionName.of(prefix + "b");
        FunctionName deletedOneByOne = FunctionName.of(prefix + "c");
        FunctionName alsoKept = FunctionName.of(prefix + "d");
        for (FunctionName name : List.of(kept, deletedAtOnce, deletedOneByOne, alsoKept)) {
            repository().add(newVersion(name, "one"));
            repository().add(newVersion(name, "two"));
        }
        repository().deleteAll(deletedAtOnce);
        repository().delete(new FunctionId(deletedOneByOne, 1));
        repository().delete(new FunctionId(deletedOneByOne, 2));

        assertThat(repository().list(FunctionName.of(prefix), 2))
                .containsExactly(new FunctionSummary(kept, 2, 2), new FunctionSummary(alsoKept, 2, 2));
    }

    // --- deleting ------------------------------------------------------------------------------------------------

    @Test
    void givenStoredVersion_delete_returnsTrueThenFalse() {
        FunctionId id = repository().add(newVersion(uniqueName("gone"), "code")).id();

        assertThat(repository().delete(id)).isTrue();
        assertThat(repository().delete(id)).isFalse();
        assertThat(repository().delete(new FunctionId(uniqueName("never"), 1))).isFalse();
    }

    @Test
    void givenDeletedVersion_find_returnsEmptyAndOtherVersionsStay() {
        FunctionName name = uniqueName("partial");
        repository().add(newVersion(name, "one"));
        repository().add(newVersion(name, "two"));
        repository().add(newVersion(name, "three"));

        repository().delete(new FunctionId(name, 2));

        assertThat(repository().find(new FunctionId(name, 2))).isEmpty();
        assertThat(repository().versions(name)).extracting(FunctionDefinition::code).containsExactly("one", "three");
    }

    @Test
    void givenThreeVersions_deleteAll_returnsTheDeletedIdsAndLeavesNothing() {
        FunctionName name = uniqueName("all");
        repository().add(newVersion(name, "one"));
        repository().add(newVersion(name, "two"));
        repository().add(newVersion(name, "three"));
        repository().delete(new FunctionId(name, 2));

        List<FunctionId> deleted = repository().deleteAll(name);

        assertThat(deleted).containsExactlyInAnyOrder(new FunctionId(name, 1), new FunctionId(name, 3));
        assertThat(repository().versions(name)).isEmpty();
        assertThat(repository().findLatest(name)).isEmpty();
        assertThat(repository().find(new FunctionId(name, 1))).isEmpty();
        assertThat(repository().deleteAll(name)).isEmpty();
    }

    @Test
    void givenNewestVersionDeleted_add_neverReusesItsNumber() {
        FunctionName name = uniqueName("reuse");
        repository().add(newVersion(name, "one"));
        repository().add(newVersion(name, "two"));
        repository().add(newVersion(name, "three"));
        repository().delete(new FunctionId(name, 3));

        FunctionDefinition next = repository().add(newVersion(name, "four"));

        assertThat(next.version()).isEqualTo(4);
        assertThat(repository().find(new FunctionId(name, 3))).isEmpty();
    }

    @Test
    void givenAllVersionsDeleted_add_continuesAfterTheHighestNumberEverGiven() {
        FunctionName name = uniqueName("again");
        repository().add(newVersion(name, "one"));
        repository().add(newVersion(name, "two"));
        repository().deleteAll(name);

        FunctionDefinition next = repository().add(newVersion(name, "three"));

        assertThat(next.version()).isEqualTo(3);
        assertThat(repository().versions(name)).containsExactly(next);
    }

    // --- concurrency ---------------------------------------------------------------------------------------------

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void givenFiftyThreads_addOfOneName_allocatesExactlyOneToFifty() throws Exception {
        FunctionName name = uniqueName("race");
        int threads = 50;

        List<FunctionDefinition> added = Concurrently.run(threads,
                thread -> repository().add(newVersion(name, "return " + thread)));

        assertThat(added).extracting(FunctionDefinition::version)
                .containsExactlyInAnyOrderElementsOf(IntStream.rangeClosed(1, threads).boxed().toList());
        for (FunctionDefinition definition : added) {
            assertThat(repository().find(definition.id())).contains(definition);
        }
        assertThat(repository().versions(name)).extracting(FunctionDefinition::version)
                .containsExactlyElementsOf(IntStream.rangeClosed(1, threads).boxed().toList());
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void givenFiftyThreads_addOfTenNames_numbersEachNameFromOneToFive() throws Exception {
        List<FunctionName> names = IntStream.range(0, 10).mapToObj(i -> uniqueName("many" + i)).toList();

        List<FunctionDefinition> added = Concurrently.run(50,
                thread -> repository().add(newVersion(names.get(thread % names.size()), "return " + thread)));

        Map<FunctionName, List<Integer>> versionsByName = new TreeMap<>();
        added.forEach(definition -> versionsByName
                .computeIfAbsent(definition.name(), name -> new ArrayList<>()).add(definition.version()));
        assertThat(versionsByName).hasSize(names.size());
        versionsByName.values().forEach(versions -> assertThat(versions).containsExactlyInAnyOrder(1, 2, 3, 4, 5));
        for (FunctionDefinition definition : added) {
            assertThat(repository().find(definition.id())).contains(definition);
        }
    }

    // --- helpers -------------------------------------------------------------------------------------------------

    /** A name no other test (nor an earlier run against the same database) uses. */
    protected static FunctionName uniqueName(String base) {
        String suffix = Long.toString(ThreadLocalRandom.current().nextLong(Long.MAX_VALUE), 36);
        return FunctionName.of(base + "x" + suffix);
    }

    protected static NewFunctionVersion newVersion(FunctionName name, String code) {
        return new NewFunctionVersion(name, code, "user_function", LIMITS, CREATED_AT, sha256(code));
    }

    protected static String sha256(String code) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(digest.digest(code.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JVM", e);
        }
    }
}
