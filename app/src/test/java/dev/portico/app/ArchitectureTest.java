package dev.portico.app;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

/** The dependency rule: adapters and the admin API depend on the domain, never on each other; only app sees all. */
class ArchitectureTest {
    private static JavaClasses portico;

    @BeforeAll
    static void importProductionClasses() {
        portico = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .withImportOption(location -> !location.contains("-tests.jar"))
                .importPackages("dev.portico");
    }

    @Test
    void everyModuleIsOnTheClasspath() {
        for (String pkg : new String[] {"dev.portico.domain", "dev.portico.persistence", "dev.portico.http",
                "dev.portico.admin", "dev.portico.app"}) {
            assertThat(portico.stream().anyMatch(c -> c.getPackageName().startsWith(pkg)))
                    .as("classes of %s imported", pkg).isTrue();
        }
    }

    @Test
    void domainDependsOnTheJdkAlone() {
        classes().that().resideInAPackage("dev.portico.domain..")
                .should().onlyDependOnClassesThat().resideInAnyPackage("java..", "dev.portico.domain..")
                .check(portico);
    }

    @Test
    void persistenceAdapterKnowsOnlyTheDomain() {
        noClasses().that().resideInAPackage("dev.portico.persistence..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.portico.http..", "dev.portico.admin..",
                        "dev.portico.app..")
                .check(portico);
    }

    @Test
    void httpAdapterKnowsOnlyTheDomain() {
        noClasses().that().resideInAPackage("dev.portico.http..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.portico.persistence..",
                        "dev.portico.admin..", "dev.portico.app..")
                .check(portico);
    }

    @Test
    void adminApiKnowsOnlyTheDomain() {
        noClasses().that().resideInAPackage("dev.portico.admin..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.portico.persistence..",
                        "dev.portico.http..", "dev.portico.app..")
                .check(portico);
    }

    @Test
    void adaptersDoNotReachIntoEachOthersFrameworks() {
        noClasses().that().resideInAnyPackage("dev.portico.admin..", "dev.portico.http..")
                .should().dependOnClassesThat().resideInAnyPackage("org.jdbi..", "org.flywaydb..", "java.sql..")
                .check(portico);
        noClasses().that().resideInAPackage("dev.portico.persistence..")
                .should().dependOnClassesThat().resideInAnyPackage("io.helidon..")
                .check(portico);
    }
}
