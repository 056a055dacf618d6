package io.gradreg;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.library.Architectures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The packages form layers; each may use only the layers below it (docs/architecture.md). Packages
 * on one line are siblings and do not use each other:
 *
 * <pre>
 *   cli                     command line
 *   transfer                export and import of runs files between stores
 *   batch                   the Jakarta Batch runtime: launcher, steps, job repository, job files, plan store
 *   metrics  plan           Prometheus meters; what an experiment is (job properties, runs, shards, stored plan)
 *   bench  report           benchmark; report tables, comparisons, claims
 *   regularizer  training   built-ins and plugin loader, on the SPI; one run (gets its Regularizer by the SPI)
 *   robustness              attacks and input-gradient norms of a trained network
 *   spi  data model store results
 *   hash  autograd          SHA-256 in hex; the SPI's PenaltyContext on PyTorch (module gradreg-autograd)
 * </pre>
 *
 * The plan knows nothing of the batch runtime ({@link #planPackageIsFreeOfTheBatchRuntime}).
 */
class PackageRulesTest {

    static JavaClasses classes;

    @BeforeAll
    static void load() {
        // The plugin test kit is on the test class path only; it is not part of the application.
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .withImportOption(location -> !location.contains("/io/gradreg/spi/testkit/"))
                .importPackages("io.gradreg");
    }

    @Test
    void packagesFormLayers() {
        Architectures.layeredArchitecture().consideringOnlyDependenciesInLayers()
                .layer("cli").definedBy("io.gradreg.cli..")
                .layer("transfer").definedBy("io.gradreg.transfer..")
                .layer("batch").definedBy("io.gradreg.batch..")
                .layer("metrics").definedBy("io.gradreg.metrics..")
                .layer("plan").definedBy("io.gradreg.plan..")
                .layer("bench").definedBy("io.gradreg.bench..")
                .layer("report").definedBy("io.gradreg.report..")
                .layer("training").definedBy("io.gradreg.training..")
                .layer("regularizer").definedBy("io.gradreg.regularizer..")
                .layer("robustness").definedBy("io.gradreg.robustness..")
                .layer("foundation").definedBy("io.gradreg.data..", "io.gradreg.model..", "io.gradreg.store..",
                        "io.gradreg.results..")
                .layer("spi").definedBy("io.gradreg.spi..")
                .layer("hash").definedBy("io.gradreg.hash..")
                .layer("autograd").definedBy("io.gradreg.autograd..")
                .whereLayer("cli").mayNotBeAccessedByAnyLayer()
                .whereLayer("transfer").mayOnlyBeAccessedByLayers("cli")
                .whereLayer("batch").mayOnlyBeAccessedByLayers("transfer", "cli")
                .whereLayer("metrics").mayOnlyBeAccessedByLayers("batch", "cli")
                .whereLayer("plan").mayOnlyBeAccessedByLayers("batch", "transfer", "cli")
                .whereLayer("bench").mayOnlyBeAccessedByLayers("metrics", "batch", "cli")
                .whereLayer("report").mayOnlyBeAccessedByLayers("batch", "cli")
                .whereLayer("training").mayOnlyBeAccessedByLayers("bench", "metrics", "plan", "batch", "transfer",
                        "cli")
                // training receives a ready Regularizer (SPI) and does not know where it came from
                .whereLayer("regularizer").mayOnlyBeAccessedByLayers("report", "bench", "plan", "batch", "cli")
                // measure names and the property's syntax are read by plans, reports, metrics and jobs
                .whereLayer("robustness").mayOnlyBeAccessedByLayers("training", "report", "metrics", "bench", "plan",
                        "batch", "transfer", "cli")
                .whereLayer("foundation").mayOnlyBeAccessedByLayers("training", "regularizer", "robustness", "report",
                        "bench", "plan", "metrics", "batch", "transfer", "cli")
                .whereLayer("spi").mayOnlyBeAccessedByLayers("regularizer", "training", "bench", "plan", "batch",
                        "cli", "autograd")
                // SHA-256 in hex, one way everywhere: it uses no other package of gradreg
                .whereLayer("hash").mayOnlyBeAccessedByLayers("foundation", "plan", "batch", "transfer")
                // the training step's PenaltyContext and its staging buffers; regularizers see only the SPI
                .whereLayer("autograd").mayOnlyBeAccessedByLayers("foundation", "training", "robustness")
                .check(classes);
    }

    /**
     * The plan (what an experiment is, how it is stored and sharded) is plain Java: the batch
     * runtime reads it, never the other way round.
     */
    @Test
    void planPackageIsFreeOfTheBatchRuntime() {
        noClasses().that().resideInAPackage("io.gradreg.plan..").should().dependOnClassesThat()
                .resideInAnyPackage("jakarta.batch..", "org.jberet..", "io.gradreg.batch..", "io.gradreg.cli..")
                .check(classes);
    }

    /** Small classes: no main source file of any module (plugins included) is over 400 lines. */
    @Test
    void noMainSourceFileIsOver400Lines() throws IOException {
        Path root = Path.of("").toAbsolutePath(); // the tests run in the repository's root (app/pom.xml)
        List<String> tooLong = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                String relative = root.relativize(file).toString().replace('\\', '/');
                if (!relative.contains("src/main/java/") || relative.contains("/target/")) {
                    continue;
                }
                long lines;
                try (Stream<String> text = Files.lines(file)) {
                    lines = text.count();
                }
                if (lines > 400) {
                    tooLong.add(relative + " (" + lines + " lines)");
                }
            }
        }
        assertEquals(List.of(), tooLong, "split these into smaller classes");
    }

    @Test
    void noPackageCycles() {
        slices().matching("io.gradreg.(*)..").should().beFreeOfCycles().check(classes);
    }

    @Test
    void foundationPackagesAreIndependentOfEachOther() {
        slices().matching("io.gradreg.(data|model|store|results)..").should().notDependOnEachOther().check(classes);
    }
}
