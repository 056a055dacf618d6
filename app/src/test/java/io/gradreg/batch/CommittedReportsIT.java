package io.gradreg.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The committed reports under docs/results/ are what this build renders from their runs files
 * alone (docs/results/rebuild-reports.sh does the same): a change to the report or the claims
 * that is not followed by rebuilt reports fails here, and so the numbers the docs copy from
 * report.md (ResultsDocsTest) are current.
 */
class CommittedReportsIT {

    @Test
    void everyCommittedReportIsRebuiltFromItsRunsFile(@TempDir Path dir) throws Exception {
        List<Path> runsFiles;
        try (Stream<Path> files = Files.walk(Path.of("docs", "results"))) {
            runsFiles = files.filter(f -> f.getFileName().toString().endsWith(".runs.json")).sorted().toList();
        }
        assertTrue(runsFiles.size() >= 3, "the C2, C4 and C6 runs files: " + runsFiles);
        for (Path runs : runsFiles) {
            String experiment = runs.getFileName().toString().replace(".runs.json", "");
            Gradreg gradreg = new Gradreg(Files.createDirectories(dir.resolve(experiment)), Map.of());
            Gradreg.Result imported = gradreg.run("import", runs.toString());
            assertEquals(0, imported.exit(), imported.err());
            for (String format : List.of("md", "csv", "json")) {
                Gradreg.Result report = gradreg.run("report", "--experiment", experiment, "-f", format);
                assertTrue(report.exit() == 0 || report.exit() == 1, "exit " + report.exit() + ": " + report.err());
                assertEquals(Files.readString(runs.resolveSibling("report." + format)), report.out(),
                        runs.getParent() + "/report." + format + " is not what this build writes from " + runs
                                + ": run bash docs/results/rebuild-reports.sh");
            }
        }
    }
}
