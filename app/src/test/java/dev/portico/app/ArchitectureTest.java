package dev.portico.app;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
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

    /**
     * The data plane in layers a reader can follow, each using only those below it: the connection's front (counting
     * and deadlines), the readers of each HTTP version, the forwarding loop, the upstream exchange, and the bytes on
     * the wire. What the data plane tells of itself (access log, metrics, request ids) sits under the readers and the
     * forwarding loop; TLS and health checks sit beside them.
     */
    @Test
    void theDataPlaneIsLayeredFromTheClientsConnectionDownToTheWire() {
        layeredArchitecture().consideringOnlyDependenciesInAnyPackage("dev.portico.http..")
                .layer("proxy").definedBy("dev.portico.http")
                .layer("client").definedBy("dev.portico.http.client..")
                .layer("http1").definedBy("dev.portico.http.http1..")
                .layer("http2").definedBy("dev.portico.http.http2..")
                .layer("websocket").definedBy("dev.portico.http.websocket..")
                .layer("forward").definedBy("dev.portico.http.forward..")
                .layer("observe").definedBy("dev.portico.http.observe..")
                .layer("metrics").definedBy("dev.portico.http.metrics..")
                .layer("upstream").definedBy("dev.portico.http.upstream..")
                .layer("wire").definedBy("dev.portico.http.wire..")
                .layer("tls").definedBy("dev.portico.http.tls..")
                .layer("health").definedBy("dev.portico.http.health..")
                .whereLayer("proxy").mayNotBeAccessedByAnyLayer()
                .whereLayer("client").mayOnlyBeAccessedByLayers("proxy", "http1", "http2", "websocket")
                .whereLayer("http1").mayOnlyBeAccessedByLayers("proxy")
                .whereLayer("http2").mayOnlyBeAccessedByLayers("proxy")
                .whereLayer("websocket").mayOnlyBeAccessedByLayers("proxy", "http1")
                .whereLayer("forward").mayOnlyBeAccessedByLayers("proxy", "http1", "http2", "websocket", "metrics")
                .whereLayer("metrics").mayNotBeAccessedByAnyLayer()
                .whereLayer("observe").mayOnlyBeAccessedByLayers("proxy", "http1", "http2", "websocket", "forward",
                        "metrics")
                .whereLayer("upstream").mayOnlyBeAccessedByLayers("proxy", "http1", "http2", "websocket", "forward",
                        "health", "metrics")
                .whereLayer("wire").mayOnlyBeAccessedByLayers("proxy", "client", "http1", "http2", "websocket",
                        "forward", "upstream", "health")
                .check(portico);
    }

    @Test
    void noPackageCyclesInTheDataPlane() {
        slices().matching("dev.portico.http.(*)..").should().beFreeOfCycles().check(portico);
    }

    @Test
    void noPackageCyclesInTheDomain() {
        slices().matching("dev.portico.domain.(*)..").should().beFreeOfCycles().check(portico);
    }
}
