package dev.faas.app;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The dependency rule of DESIGN.md: ports depend on nothing, the domain on ports only, adapters never on each other. */
class DependencyRuleTest {

    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.faas");

    @Test
    void ports_dependOnNothingOfTheProject() {
        noClasses().that().resideInAPackage("dev.faas.ports..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.faas.domain..", "dev.faas.adapter..",
                        "dev.faas.python..", "dev.faas.app..")
                .check(CLASSES);
    }

    @Test
    void ports_useOnlyTheJdk() {
        noClasses().that().resideInAPackage("dev.faas.ports..")
                .should().dependOnClassesThat().resideOutsideOfPackages("dev.faas.ports..", "java..")
                .check(CLASSES);
    }

    @Test
    void domain_dependsOnPortsAndTheJdkOnly() {
        // javax.crypto is the JDK's own AES-GCM, which seals secrets (SecretCipher).
        noClasses().that().resideInAPackage("dev.faas.domain..")
                .should().dependOnClassesThat().resideOutsideOfPackages("dev.faas.domain..", "dev.faas.ports..",
                        "java..", "javax.crypto..")
                .check(CLASSES);
    }

    @Test
    void adapters_neverDependOnTheDomainOrTheApp() {
        noClasses().that().resideInAnyPackage("dev.faas.adapter..", "dev.faas.python..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.faas.domain..", "dev.faas.app..")
                .check(CLASSES);
    }

    @Test
    void adapters_neverDependOnEachOther() {
        slices().matching("dev.faas.adapter.(*)..").should().notDependOnEachOther().check(CLASSES);
    }

    @Test
    void library_namesNoServerAdapter_andOnlyItsHttpEndpointNamesJaxrs() {
        // faas-platform's jar must load with faas-adapter-jaxrs absent (an optional dependency): only
        // FaasHttpEndpoint may see it, and nothing there sees JDBI, Docker, picocli or logback.
        noClasses().that().resideInAPackage("dev.faas.platform..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.faas.adapter.jdbi..",
                        "dev.faas.adapter.docker..", "dev.faas.app..", "dev.faas.cli..", "org.jdbi..",
                        "com.github.dockerjava..", "picocli..", "ch.qos.logback..")
                .check(CLASSES);
        noClasses().that().resideInAPackage("dev.faas.platform..")
                .and().doNotHaveFullyQualifiedName("dev.faas.platform.FaasHttpEndpoint")
                .and().doNotHaveFullyQualifiedName("dev.faas.platform.FaasHttpEndpoint$Builder")
                .should().dependOnClassesThat().resideInAnyPackage("dev.faas.adapter.jaxrs..", "org.glassfish..",
                        "jakarta.ws..", "io.micrometer..")
                .check(CLASSES);
    }

    @Test
    void testkit_isNotUsedByProductionCode() {
        noClasses().that().resideOutsideOfPackage("dev.faas.testkit..")
                .should().dependOnClassesThat().resideInAPackage("dev.faas.testkit..")
                .check(CLASSES);
    }
}
