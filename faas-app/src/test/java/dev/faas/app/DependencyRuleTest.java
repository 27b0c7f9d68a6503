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
    void testkit_isNotUsedByProductionCode() {
        noClasses().that().resideOutsideOfPackage("dev.faas.testkit..")
                .should().dependOnClassesThat().resideInAPackage("dev.faas.testkit..")
                .check(CLASSES);
    }
}
