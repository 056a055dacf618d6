package io.gradreg;

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
 * The packages form layers; each may use only the layers below it (docs/architecture.md):
 *
 * <pre>
 *   cli                         command line
 *   batch                       jobs: launcher, steps, reports, export/import
 *   metrics                     Prometheus meters, given labels and suppliers
 *   bench  report               benchmark; report tables, comparisons, claims
 *   regularizer                 built-ins and the plugin loader, on the SPI
 *   training                    one run: model, optimizer, penalties (given by the SPI only)
 *   robustness                  attacks and input-gradient norms of a trained network
 *   spi data model store results
 *   autograd                    the SPI's PenaltyContext on PyTorch (module gradreg-autograd)
 * </pre>
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
                .layer("batch").definedBy("io.gradreg.batch..")
                .layer("metrics").definedBy("io.gradreg.metrics..")
                .layer("bench").definedBy("io.gradreg.bench..")
                .layer("report").definedBy("io.gradreg.report..")
                .layer("training").definedBy("io.gradreg.training..")
                .layer("regularizer").definedBy("io.gradreg.regularizer..")
                .layer("robustness").definedBy("io.gradreg.robustness..")
                .layer("foundation").definedBy("io.gradreg.data..", "io.gradreg.model..", "io.gradreg.store..",
                        "io.gradreg.results..")
                .layer("spi").definedBy("io.gradreg.spi..")
                .layer("autograd").definedBy("io.gradreg.autograd..")
                .whereLayer("cli").mayNotBeAccessedByAnyLayer()
                .whereLayer("batch").mayOnlyBeAccessedByLayers("cli")
                .whereLayer("metrics").mayOnlyBeAccessedByLayers("batch", "cli")
                .whereLayer("bench").mayOnlyBeAccessedByLayers("metrics", "batch", "cli")
                .whereLayer("report").mayOnlyBeAccessedByLayers("batch", "cli")
                .whereLayer("training").mayOnlyBeAccessedByLayers("bench", "metrics", "batch", "cli")
                // training receives a ready Regularizer (SPI) and does not know where it came from
                .whereLayer("regularizer").mayOnlyBeAccessedByLayers("report", "bench", "batch", "cli")
                // measure names and the property's syntax are read by reports, metrics and jobs
                .whereLayer("robustness").mayOnlyBeAccessedByLayers("training", "report", "metrics", "bench", "batch",
                        "cli")
                .whereLayer("spi").mayOnlyBeAccessedByLayers("regularizer", "training", "bench", "batch", "cli",
                        "autograd")
                // the training step's PenaltyContext and its staging buffers; regularizers see only the SPI
                .whereLayer("autograd").mayOnlyBeAccessedByLayers("foundation", "training", "robustness")
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
